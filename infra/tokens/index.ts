export {
  createToken,
  hasScope,
  isTokenScope,
  TOKEN_SCOPES,
  type TokenScope,
  verifyToken,
} from './tokens.ts';
