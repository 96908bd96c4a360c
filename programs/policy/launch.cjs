// Starts this policy pack the way @pulumi/pulumi's cmd/run-policy-pack does, but without ts-node,
// which that entry always registers: the pack is erasable TypeScript that Node 24 runs itself, and
// ts-node would type-check it on every preview (and reject its `.ts` import paths).
const path = require('node:path');

const sdk =
  process.env.BLKSHP_PULUMI_SDK_DIR ||
  path.join(__dirname, '..', '..', 'node_modules', '@pulumi', 'pulumi');
const minimist = require(require.resolve('minimist', { paths: [sdk] }));

// argv: <engine address> <pack directory>; run() wants the directory first.
const argv = minimist(process.argv.slice(2));
argv._.shift();

require(path.join(sdk, 'runtime', 'closure', 'v8Hooks'))
  .isInitializedAsync()
  .then(() =>
    require(path.join(sdk, 'cmd', 'run-policy-pack', 'run')).run({
      argv,
      programStarted: () => {},
      reportLoggedError: () => {},
      typeScript: false,
    }),
  )
  .catch((error) => {
    console.error(`policy pack failed to start: ${error?.stack ? error.stack : error}`);
    process.exit(1);
  });
