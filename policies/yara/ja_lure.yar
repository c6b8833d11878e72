// Japanese lure wording seen in targeted and mass mail: invoices, quotes, urgent payment,
// "see the attached file", and the PPAP password notice ("the password follows in a separate
// mail"). Keywords alone are common in honest business mail, so these rules are context for the
// analyst (severity low/medium), not a verdict. Each word is given as bytes in UTF-8 and in
// Shift_JIS (CP932), the two encodings attachments and decoded bodies arrive in; decoded bodies
// handed over by the pipeline are UTF-8. Words are looked for in text-like data only (see
// hta.yar).
// Compatible with YARA 4.x and YARA-X.

import "math"

private rule C4TAP_JA_TextLike
{
    condition:
        math.entropy(0, filesize) < 7.5
}

rule C4TAP_JA_Lure_Keywords_UTF8 : japanese lure
{
    meta:
        severity = "low"
        description = "Two or more Japanese lure keywords (invoice, quote, urgent, payment, attachment...) in UTF-8"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $invoice = { E8 AB 8B E6 B1 82 E6 9B B8 }                          // 請求書
        $urgent = { E8 87 B3 E6 80 A5 }                                     // 至急
        $password = { E3 83 91 E3 82 B9 E3 83 AF E3 83 BC E3 83 89 }        // パスワード
        $quote = { E8 A6 8B E7 A9 8D E6 9B B8 }                             // 見積書
        $attachment = { E6 B7 BB E4 BB 98 E3 83 95 E3 82 A1 E3 82 A4 E3 83 AB }  // 添付ファイル
        $payment = { E3 81 8A E6 94 AF E6 89 95 E3 81 84 }                  // お支払い
        $transfer = { E6 8C AF E8 BE BC }                                   // 振込
        $confirm = { E3 81 94 E7 A2 BA E8 AA 8D }                           // ご確認
        $order = { E6 B3 A8 E6 96 87 E6 9B B8 }                             // 注文書
        $emergency = { E7 B7 8A E6 80 A5 }                                  // 緊急
        $delivery = { E7 B4 8D E5 93 81 E6 9B B8 }                          // 納品書
        $remit = { E9 80 81 E9 87 91 }                                      // 送金

    condition:
        C4TAP_JA_TextLike and 2 of them
}

rule C4TAP_JA_Lure_Keywords_SJIS : japanese lure
{
    meta:
        severity = "low"
        description = "Two or more Japanese lure keywords (invoice, quote, urgent, payment, attachment...) in Shift_JIS"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $invoice = { 90 BF 8B 81 8F 91 }                    // 請求書
        $urgent = { 8E 8A 8B 7D }                           // 至急
        $password = { 83 70 83 58 83 8F 81 5B 83 68 }       // パスワード
        $quote = { 8C A9 90 CF 8F 91 }                      // 見積書
        $attachment = { 93 59 95 74 83 74 83 40 83 43 83 8B }  // 添付ファイル
        $payment = { 82 A8 8E 78 95 A5 82 A2 }              // お支払い
        $transfer = { 90 55 8D 9E }                         // 振込
        $confirm = { 82 B2 8A 6D 94 46 }                    // ご確認
        $order = { 92 8D 95 B6 8F 91 }                      // 注文書
        $emergency = { 8B D9 8B 7D }                        // 緊急
        $delivery = { 94 5B 95 69 8F 91 }                   // 納品書
        $remit = { 91 97 8B E0 }                            // 送金

    condition:
        C4TAP_JA_TextLike and 2 of them
}

rule C4TAP_JA_PPAP_Password_Notice : japanese ppap
{
    meta:
        severity = "medium"
        description = "Japanese notice that an encrypted attachment's password is sent separately (PPAP)"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $u8_password = { E3 83 91 E3 82 B9 E3 83 AF E3 83 BC E3 83 89 }    // パスワード
        $u8_unzip = { E8 A7 A3 E5 87 8D }                                   // 解凍
        $u8_separately = { E5 88 A5 E9 80 94 }                              // 別途
        $u8_other_mail = { E5 88 A5 E3 83 A1 E3 83 BC E3 83 AB }            // 別メール
        $u8_encrypted = { E6 9A 97 E5 8F B7 E5 8C 96 }                      // 暗号化

        $sj_password = { 83 70 83 58 83 8F 81 5B 83 68 }                    // パスワード
        $sj_unzip = { 89 F0 93 80 }                                         // 解凍
        $sj_separately = { 95 CA 93 72 }                                    // 別途
        $sj_other_mail = { 95 CA 83 81 81 5B 83 8B }                        // 別メール
        $sj_encrypted = { 88 C3 8D 86 89 BB }                               // 暗号化

    condition:
        C4TAP_JA_TextLike and (
        ($u8_password and any of ($u8_unzip, $u8_separately, $u8_other_mail, $u8_encrypted)) or
        ($sj_password and any of ($sj_unzip, $sj_separately, $sj_other_mail, $sj_encrypted)))
}
