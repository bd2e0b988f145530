export { EVIDENCE_DEFAULTS, type EvidenceContext, type EvidencePhoto, evidenceWarnings } from './media.evidence.ts';
export { closeHeicDecoder } from './media.heic.ts';
export { registerMediaRoutes } from './media.routes.ts';
export {
  type AttachablePhoto,
  type AttachInput,
  attachablePhotos,
  getPhotoMeta,
  type MediaRow,
  mediaByIds,
  toMediaRef,
  uploadPhoto,
} from './media.service.ts';
export { LocalDiskStorage, type MediaStorage, storageFor } from './media.storage.ts';
