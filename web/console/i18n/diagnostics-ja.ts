// Japanese messages of the diagnostics page; every key of diagnostics-en.ts.
import type { EN_DIAGNOSTICS } from './diagnostics-en.ts';

export const JA_DIAGNOSTICS: Readonly<Record<keyof typeof EN_DIAGNOSTICS, string>> = {
  'nav.diagnostics': '診断',
  'diag.title': '診断',
  'diag.intro': 'c4tap doctor と同じ検査を、このサーバーでいま実行した結果です。詳細と対処はコマンドの出力のまま（英語）で示します。',
  'diag.check': '検査',
  'diag.status': '状態',
  'diag.detail': '詳細',
  'diag.fix': '対処',
  'diag.status.ok': '正常',
  'diag.status.warn': '注意',
  'diag.status.fail': '失敗',
  'diag.summaryOk': '{n} 件の検査はすべて正常です。',
  'diag.summaryFailed': '{n} 件中 {failed} 件の検査が失敗しました。',
  'diag.unavailable': 'このサーバーは診断なしで起動されています（ホストで c4tap doctor を実行してください）。',
  'diag.name.file mode': 'ファイルの権限',
  'diag.name.TLS certificate': 'TLS 証明書',
  'diag.name.disk': 'ディスクの空き容量',
  'diag.name.schema version': 'スキーマのバージョン',
  'diag.name.YARA rules': 'YARA ルール',
  'diag.name.warning lists': '警告リスト',
  'diag.name.clamd': 'clamd',
  'diag.name.clamd signatures': 'clamd のシグネチャ',
  'diag.name.mail relay': 'メールリレー',
  'diag.name.time skew': '時刻',
};
