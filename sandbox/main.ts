/**
 * Plugin entry: `node sandbox/main.ts <package> <engine address> ...`. The engine starts one
 * process per package through the shims that `plugins.ts` writes.
 */
import { main } from '@pulumi/pulumi/provider/index.js';
import { isSandboxPackage } from './model.ts';
import { createSandboxProvider } from './provider.ts';
import { installedSdkVersion } from './version.ts';

const [pkg = '', ...engineArgs] = process.argv.slice(2);
if (!isSandboxPackage(pkg)) {
  console.error(`usage: main.ts <digitalocean|gcp|aws> <engine address>; got "${pkg}"`);
  process.exit(2);
}
await main(createSandboxProvider({ pkg, version: installedSdkVersion(pkg) }), engineArgs);
