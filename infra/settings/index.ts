export { engineSecretsEnv, ensurePassphraseFile, PASSPHRASE_FILE_NAME } from './passphrase.ts';
export {
  CLOUD_MODES,
  CLOUDS,
  type Cloud,
  type CloudMode,
  type DatabaseSettings,
  isSandboxed,
  LOG_LEVELS,
  type LogLevel,
  loadSettings,
  type PassphraseSettings,
  SECRET_SETTING_KEYS,
  type Settings,
  type SlackSettings,
} from './settings.ts';
