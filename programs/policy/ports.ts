/**
 * Which TCP ports a firewall rule of each cloud opens to which sources, normalised, so that the
 * policies ask one question ("is port P open to the internet?") of every cloud.
 */

export interface OpenRule {
  /** Inclusive port range; [0, 65535] for "all". */
  from: number;
  to: number;
  sources: string[];
}

const ALL: [number, number] = [0, 65535];
export const INTERNET = ['0.0.0.0/0', '::/0'];

function range(text: unknown): [number, number] {
  if (text === undefined || text === null || text === '' || text === 'all') return ALL;
  const [a, b] = String(text).split('-');
  const from = Number(a);
  return [from, b === undefined ? from : Number(b)];
}

type Props = Record<string, unknown>;
const list = (v: unknown): Props[] => (Array.isArray(v) ? (v as Props[]) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Inbound rules of a firewall-like resource, or null when the type is not one. */
export function inboundRules(type: string, props: Props): OpenRule[] | null {
  switch (type) {
    case 'digitalocean:index/firewall:Firewall':
      return list(props.inboundRules)
        .filter((r) => r.protocol === 'tcp')
        .map((r) => {
          const [from, to] = range(r.portRange);
          return { from, to, sources: strings(r.sourceAddresses) };
        });
    case 'gcp:compute/firewall:Firewall': {
      if (props.direction === 'EGRESS') return [];
      const sources = strings(props.sourceRanges);
      return list(props.allows)
        .filter((a) => a.protocol === 'tcp' || a.protocol === 'all')
        .flatMap((a) => {
          const ports = strings(a.ports);
          if (ports.length === 0) return [{ from: 0, to: 65535, sources }];
          return ports.map((p) => {
            const [from, to] = range(p);
            return { from, to, sources };
          });
        });
    }
    case 'aws:ec2/securityGroup:SecurityGroup':
      return list(props.ingress).map(awsRule);
    case 'aws:ec2/securityGroupRule:SecurityGroupRule':
      return props.type === 'ingress' ? [awsRule(props)] : [];
    case 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': {
      const all = props.ipProtocol === '-1';
      return [
        {
          from: all ? 0 : Number(props.fromPort),
          to: all ? 65535 : Number(props.toPort),
          sources: [props.cidrIpv4, props.cidrIpv6].filter((s) => s !== undefined).map(String),
        },
      ];
    }
    default:
      return null;
  }
}

function awsRule(r: Props): OpenRule {
  const all = r.protocol === '-1' || r.protocol === 'all';
  return {
    from: all ? 0 : Number(r.fromPort),
    to: all ? 65535 : Number(r.toPort),
    sources: [...strings(r.cidrBlocks), ...strings(r.ipv6CidrBlocks)],
  };
}

/** The internet-wide sources through which `port` is open, if any. */
export function openToInternet(rules: OpenRule[], port: number): string[] {
  return rules
    .filter((r) => r.from <= port && port <= r.to)
    .flatMap((r) => r.sources.filter((s) => INTERNET.includes(s)));
}
