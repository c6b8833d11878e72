// Encrypted zip archives (PPAP: "password-protected attachment, password sent separately"):
// they defeat gateway scanning, so they are marked whatever their content. File names stay in
// clear in an encrypted zip, which lets the second rule see a risky member without the password.
// Local file header: signature at +0, general purpose flags at +6 (bit 0 = encrypted, set for
// ZipCrypto and WinZip AES), file name length at +26, file name at +30.
// Compatible with YARA 4.x and YARA-X.

rule C4TAP_Zip_Encrypted : zip encrypted
{
    meta:
        severity = "low"
        description = "Zip archive with at least one encrypted member (ZipCrypto or AES)"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $lfh = { 50 4B 03 04 }

    condition:
        uint32(0) == 0x04034B50 and
        for any i in (1..#lfh) : ( (uint16(@lfh[i] + 6) & 0x0001) == 0x0001 )
}

rule C4TAP_Zip_Encrypted_Risky_Member : zip encrypted lure
{
    meta:
        severity = "high"
        description = "Encrypted zip member named like a shortcut, executable, script or disk image"
        author = "C4TAP"
        date = "2026-11-22"

    strings:
        $lfh = { 50 4B 03 04 }

    condition:
        uint32(0) == 0x04034B50 and
        for any i in (1..#lfh) : (
            (uint16(@lfh[i] + 6) & 0x0001) == 0x0001 and
            uint16(@lfh[i] + 26) >= 4 and
            (
                // last four bytes of the name, letters folded to lower case
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E6C6E6B or  // .lnk
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E657865 or  // .exe
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E736372 or  // .scr
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E687461 or  // .hta
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E766273 or  // .vbs
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E69736F or  // .iso
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E696D67 or  // .img
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E626174 or  // .bat
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E636D64 or  // .cmd
                (uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) | 0x00202020) == 0x2E6A7365 or  // .jse
                ((uint32be(@lfh[i] + 30 + uint16(@lfh[i] + 26) - 4) & 0x00FFFFFF) | 0x00002020) == 0x002E6A73  // .js
            )
        )
}
