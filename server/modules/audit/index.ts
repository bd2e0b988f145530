export { canonicalJson, auditRowHash, GENESIS_HASH } from './audit.hash.ts';
export {
  type AuditContext,
  type AuditEntry,
  type ChainVerdict,
  recordAudit,
  recordAuditAlone,
  verifyChain,
  listAuditEvents,
} from './audit.service.ts';
export { registerAuditRoutes } from './audit.routes.ts';
