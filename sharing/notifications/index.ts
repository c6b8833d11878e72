// Submitter notifications: analysis finished, published (what, at which class), rejected (why).
export { createSubmitterNotifier, type NotifierDeps, type SubmitterNotifier } from './notifier.ts';
export { renderNotice, type Notice, type NoticeInput } from './render.ts';
export { noticeKey, notificationsOf, type NotificationRecord } from './record.ts';
