// Digest content: the pure rendering of one digest message (delivery schedules and sends it).
export type { AttachmentMode, DigestEntry, DigestFiles, DigestInput, DigestRecipient } from './types.ts';
export { renderDigest } from './render.ts';
export { digestFiles, digestFileStem, digestZip, CSV_MEDIA_TYPE, STIX_FILE_MEDIA_TYPE } from './files.ts';
export { bindingClass, carriedClasses, bannerLines, classTag } from './banner.ts';
export { defang, defangText } from './defang.ts';
export { filesNotice, type FilesNotice } from './files-notice.ts';
