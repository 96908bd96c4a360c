export { checkSshCidr } from './cidr.ts';
export { CLOUDS, type Cloud, copyRegionOf, REGIONS, regionsOf } from './regions.ts';
export {
  DEFAULT_FRAPPE_VERSION,
  dnsZoneOf,
  type ParseResult,
  type PropertySpec,
  type PropertySpecInput,
  parsePropertySpec,
  propertySpecSchema,
} from './spec.ts';
export { checkSshPublicKey, MIN_RSA_BITS, SSH_KEY_TYPES } from './ssh-key.ts';
