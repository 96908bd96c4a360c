# The two commands of the README. Each prepares its own toolchain on a fresh clone.
.PHONY: start test build

# Start the service on its embedded defaults (SQLite, local state, sandbox cloud).
start:
	bash scripts/with-env.sh sh -c 'npm run build && node dist/cli/main.js serve'

# Lint, type-check and run every test, the real-engine ones included.
test:
	bash scripts/with-env.sh --test npm test

build:
	bash scripts/with-env.sh npm run build
