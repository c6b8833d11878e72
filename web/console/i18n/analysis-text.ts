// Texts analysis writes in English for the analyst (verdict reasons, cluster evidence, redaction
// reasons, "not examined" reasons) shown in the console's language. Analysis stores them as words,
// not codes, so the Japanese console rewrites the known sentence shapes and phrases; names, rules,
// file paths and values inside them stay as they are. English is shown unchanged.
import type { Language } from '../../../core/types.ts';

type Rule = readonly [RegExp, string];

// Whole sentences first (verdict.ts, correlate/cluster.ts), then phrases (sanitize/, archives/).
const JA_RULES: readonly Rule[] = [
  [/^anti-virus: (.+) in (.+)$/, 'アンチウイルス検出：$1（$2）'],
  [/^YARA (\S+) \(severity (.+?)\) in (.+)$/, 'YARA ルール $1（重大度 $2）：$3'],
  [/^YARA (\S+) in the mail body$/, 'YARA ルール $1：メール本文'],
  [/^Office macros \(VBA project\) in (.+)$/, 'Office マクロ（VBA プロジェクト）：$1'],
  [/^external template or OLE link in (.+)$/, '外部テンプレートまたは OLE リンク：$1'],
  [/^PDF JavaScript in (.+)$/, 'PDF 内の JavaScript：$1'],
  [/^PDF OpenAction in (.+)$/, 'PDF の OpenAction：$1'],
  [/^declared type of (.+) disagrees with its content \((.+)\)$/, '$1 の宣言された形式が内容（$2）と一致しない'],
  [/^PPAP: encrypted archive (.+) opened with a password found in the mail$/, 'PPAP：暗号化アーカイブ $1 をメール中のパスワードで展開'],
  [/^not examined: (.+) \((.+)\); its contents were not scanned$/, '未検査：$1（$2）。中身はスキャンされていない'],
  [/^archive member stored under a name that climbs out of the archive \(zip-slip\): (.+) in (.+)$/, 'アーカイブ外を指す名前のメンバー（zip-slip）：$1（$2）'],
  [/^not scanned by anti-virus: (.+) \((.+)\)$/, 'アンチウイルス未スキャン：$1（$2）'],
  [/^not scanned by YARA: (.+) \((.+)\)$/, 'YARA 未スキャン：$1（$2）'],
  [/^look-alike of registered domain (\S+): (.+) \[(.+)\]$/, '登録ドメイン $1 の類似ドメイン：$2［$3］'],
  [/^Reply-To \((.+)\) differs from From \((.+)\)$/, 'Reply-To（$1）が From（$2）と異なる'],
  [/^no detection: not evidence of a benign mail$/, '検出なし（良性の証拠ではない）'],
  [/^(.+): shared with (\d+) other submission\(s\)$/, '$1：他の提出 $2 件と共通'],
  [/^reported by (\d+) organisation\(s\) in (\d+) sector\(s\)$/, '$1 組織（$2 業種）から報告'],
  [/^addressed to (\d+) recipient\(s\), (\d+) by name, undisclosed or Bcc$/, '宛先 $1 名（うち名前付き $2 名）、非公開または Bcc'],
  [/^addressed to (\d+) recipient\(s\), (\d+) by name$/, '宛先 $1 名（うち名前付き $2 名）'],
  [/^seen across organisations and sectors$/, '複数の組織・業種で確認'],
  [/^sent to many recipients at once$/, '多数の宛先に一斉送信'],
  [/^only this organisation reported it, to a few named recipients$/, 'この組織のみが報告、少数の名前付き宛先'],
  [/URL fragment: never published \(client-side only, where victim ids hide\)/g, 'URL フラグメント：公開しない（被害者 ID が隠れやすいクライアント側の部分）'],
  [/host carries (.+): URL dropped/g, 'ホスト名に $1 を含むため URL を除外'],
  [/^carries (.+): dropped$/g, '$1 を含むため除外'],
  [/: never an indicator/g, '：指標にしない'],
  [/registered domain of an organisation/g, '参加組織の登録ドメイン'],
  [/registered network of an organisation/g, '参加組織の登録ネットワーク'],
  [/address at a registered domain/g, '登録ドメインのアドレス'],
  [/exchange domain/g, '交換基盤のドメイン'],
  [/exchange network/g, '交換基盤のネットワーク'],
  [/internal relay host/g, '内部中継ホスト'],
  [/internal relay address/g, '内部中継アドレス'],
  [/unparsable URL/g, '解析できない URL'],
  [/victim display name part/g, '被害者の表示名の一部'],
  [/victim display name/g, '被害者の表示名'],
  [/victim local part/g, '被害者アドレスのローカル部'],
  [/victim address/g, '被害者のアドレス'],
  [/submitter display name part/g, '提出者の表示名の一部'],
  [/submitter display name/g, '提出者の表示名'],
  [/submitter local part/g, '提出者アドレスのローカル部'],
  [/submitter address/g, '提出者のアドレス'],
  [/organisation name/g, '組織名'],
  [/member domain/g, '参加組織のドメイン'],
  [/\(plain\)/g, '（そのまま）'],
  [/\(percent\)/g, '（% エンコード）'],
  [/\(quoted-printable\)/g, '（quoted-printable）'],
  [/\(html-entity\)/g, '（HTML 実体参照）'],
  [/\(js-escape\)/g, '（JS エスケープ）'],
  [/\(base64\)/g, '（Base64）'],
  [/\(hex\)/g, '（16 進）'],
  [/\(digest\)/g, '（ハッシュ値）'],
  [/archive bomb: /g, 'アーカイブ爆弾：'],
  [/archives nested deeper than allowed \(level (\d+)\)/g, '許容より深い入れ子のアーカイブ（$1 階層）'],
  [/(\d+) members, more than allowed/g, 'メンバー $1 個（上限超過）'],
  [/encrypted, no password found \((\d+) tried\)/g, '暗号化、パスワード不明（$1 件試行）'],
  [/unreadable archive: /g, '読めないアーカイブ：'],
  [/archive format (\S+) cannot be opened/g, 'アーカイブ形式 $1 は展開できない'],
  // pipeline.ts / pipeline-files.ts: "<file or body label>: … (reason)".
  [/^body (\S+): /, '本文 $1：'],
  [/: YARA not scanned \((.+)\)$/, '：YARA 未スキャン（$1）'],
  [/: AV not scanned \((.+)\)$/, '：AV 未スキャン（$1）'],
  [/: member not examined \((.+)\)$/, '：メンバー未検査（$1）'],
  [/: not examined \((.+)\)$/, '：未検査（$1）'],
  [/no YARA rules loaded/g, 'YARA ルールが読み込まれていない'],
  [/scan timed out/g, 'スキャンがタイムアウト'],
];

export function analysisText(lang: Language, text: string): string {
  if (lang !== 'ja') return text;
  let out = text;
  for (const [pattern, replacement] of JA_RULES) out = out.replace(pattern, replacement);
  return out;
}
