// The CrossGuard entry: the engine's policy analyzer loads this file (see PulumiPolicy.yaml).
import { PolicyPack } from '@pulumi/policy';
import { POLICIES } from './policies.ts';

new PolicyPack('blkshp-baseline', { policies: POLICIES });
