/**
 * Who may do what from Slack. Roles are ordered (viewer < operator < approver < admin) and come
 * from configuration: Slack user ids (`U…`, `W…`) and user-group ids (`S…`) mapped to a role.
 * Anyone not mapped is a viewer, so everything that changes infrastructure is denied by default.
 */
import type { Logger } from '../infra/logging/logger.ts';

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `{ "U0123": "admin", "S0456": ["approver"] }`; the highest role listed wins. */
export type RoleMap = Record<string, string | readonly string[]>;

/** What each action needs. Reading is open to every member of the workspace. */
export const REQUIRED_ROLE = {
  help: 'viewer',
  tiers: 'viewer',
  list: 'viewer',
  status: 'viewer',
  ops: 'viewer',
  home: 'viewer',
  preview: 'operator',
  up: 'operator',
  drift: 'operator',
  refresh: 'operator',
  'add-property': 'operator',
  scale: 'operator',
  cancel: 'operator',
  approve: 'approver',
  destroy: 'admin',
  'approve-destroy': 'admin',
} as const satisfies Record<string, Role>;

export type BotAction = keyof typeof REQUIRED_ROLE;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function allows(role: Role, action: BotAction): boolean {
  return roleRank(role) >= roleRank(REQUIRED_ROLE[action]);
}

function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}

/** Lists user-group members; the Slack Web API's `usergroups.users.list` in production. */
export type GroupMembers = (groupId: string) => Promise<readonly string[]>;

export interface PermissionsOptions {
  roles: RoleMap;
  groupMembers: GroupMembers;
  logger: Logger;
  /** How long a group's member list is trusted before it is fetched again. */
  groupCacheMs?: number;
  now?: () => number;
}

export interface Permissions {
  roleOf(userId: string): Promise<Role>;
  can(userId: string, action: BotAction): Promise<{ allowed: boolean; role: Role }>;
}

const USER_ID = /^[UW][A-Z0-9]+$/;
const GROUP_ID = /^S[A-Z0-9]+$/;

export function createPermissions(options: PermissionsOptions): Permissions {
  const log = options.logger.child({ component: 'slack-permissions' });
  const cacheMs = options.groupCacheMs ?? 3 * 60_000;
  const now = options.now ?? Date.now;
  const { users, groups } = normaliseRoles(options.roles, log);
  const cache = new Map<string, { at: number; members: Promise<ReadonlySet<string>> }>();

  function membersOf(groupId: string): Promise<ReadonlySet<string>> {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < cacheMs) return hit.members;

    // The promise is cached, so concurrent lookups share one API call.
    const members = options.groupMembers(groupId).then(
      (list) => new Set(list),
      (error: unknown) => {
        // Failing closed: the group grants nothing until the next successful lookup.
        log.warn({ err: error, group: groupId }, 'could not list Slack user-group members');
        cache.delete(groupId);
        return new Set<string>();
      },
    );
    cache.set(groupId, { at: now(), members });
    return members;
  }

  async function roleOf(userId: string): Promise<Role> {
    let best: Role = users.get(userId) ?? 'viewer';
    for (const [groupId, role] of groups) {
      if (roleRank(role) <= roleRank(best)) continue;
      if ((await membersOf(groupId)).has(userId)) best = role;
    }
    return best;
  }

  return {
    roleOf,
    async can(userId, action) {
      const role = await roleOf(userId);
      return { allowed: allows(role, action), role };
    },
  };
}

function normaliseRoles(roles: RoleMap, log: Logger) {
  const users = new Map<string, Role>();
  const groups = new Map<string, Role>();
  for (const [id, value] of Object.entries(roles)) {
    const names = typeof value === 'string' ? [value] : value;
    const known = names.filter(isRole);
    for (const name of names.filter((n) => !isRole(n))) {
      log.warn({ id, role: name }, 'ignoring an unknown Slack role name');
    }
    if (known.length === 0) continue;
    const role = known.reduce((a, b) => (roleRank(b) > roleRank(a) ? b : a));
    if (USER_ID.test(id)) users.set(id, role);
    else if (GROUP_ID.test(id)) groups.set(id, role);
    else log.warn({ id }, 'ignoring a Slack role entry that is neither a user nor a user group');
  }
  return { users, groups };
}
