export { auditRowHash, canonicalJson, GENESIS_HASH } from './audit.hash.ts';
export { registerAuditRoutes } from './audit.routes.ts';
export {
  type AuditContext,
  type AuditEntry,
  type ChainVerdict,
  listAuditEvents,
  recordAudit,
  recordAuditAlone,
  recordAuditEvents,
  verifyChain,
} from './audit.service.ts';
