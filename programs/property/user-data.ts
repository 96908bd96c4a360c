/** Resolves the Pulumi outputs a VM's cloud-init needs and renders the document. */
import * as pulumi from '@pulumi/pulumi';
import type { Machine } from '../../infra/tiers/catalog.ts';
import { type CloudInitOptions, renderCloudInit, type SecretsSource } from './cloud-init.ts';
import type { VmRole } from './compose.ts';
import { type ProgramContext, workersFor } from './context.ts';

export interface UserDataInputs {
  role: VmRole;
  machine: Machine;
  dataDevice?: pulumi.Input<string> | undefined;
  dbHost?: pulumi.Input<string> | undefined;
  dbManaged?: boolean;
  dbRootUser?: string;
  workerHost?: pulumi.Input<string> | undefined;
  primaryHost?: pulumi.Input<string> | undefined;
  serverId?: number;
  secrets: pulumi.Input<SecretsSource>;
  rcloneConfig: pulumi.Input<string>;
  /** rclone remotes (`name:bucket`) the backup job writes to; only the backup VM has them. */
  backupTargets?: pulumi.Input<string>[];
}

export function userData(ctx: ProgramContext, inputs: UserDataInputs): pulumi.Output<string> {
  const { spec, tier, baseline } = ctx;
  const webOrBackground = ['all-in-one', 'app', 'web', 'worker'].includes(inputs.role);
  return pulumi
    .all([
      inputs.dataDevice ?? '',
      inputs.dbHost ?? '',
      inputs.workerHost ?? '',
      inputs.primaryHost ?? '',
      inputs.secrets,
      inputs.rcloneConfig,
      pulumi.all(inputs.backupTargets ?? []),
    ])
    .apply(([dataDevice, dbHost, workerHost, primaryHost, secrets, rclone, targets]) => {
      const options: CloudInitOptions = {
        cloud: spec.cloud,
        role: inputs.role,
        domain: spec.domain,
        frappeVersion: spec.frappeVersion,
        adminEmail: spec.alertEmails[0] ?? '',
        sshPublicKeys: spec.sshPublicKeys,
        baseline,
        workers: webOrBackground ? workersFor(inputs.machine, inputs.role, tier) : null,
        memoryMb: inputs.machine.memoryGb * 1024,
        dataDevice: dataDevice || null,
        db: {
          host: dbHost,
          managed: inputs.dbManaged ?? false,
          rootUser: inputs.dbRootUser ?? 'root',
        },
        workerHost: workerHost || null,
        primaryHost: primaryHost || null,
        serverId: inputs.serverId ?? 1,
        privateCidr: ctx.cidr,
        tlsOnBox: tier.loadBalancer === null,
        secrets,
        rcloneConfig: rclone,
        backup: targets.length > 0 ? { cron: tier.backup.cron, targets } : null,
      };
      return renderCloudInit(options);
    });
}
