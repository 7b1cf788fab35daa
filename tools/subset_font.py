#!/usr/bin/env python3
"""Builds assets/fonts/firstline-cjk.ttf: WenQuanYi Micro Hei (Debian package
fonts-wqy-microhei, Apache-2.0) cut down to the characters the window draws:
ASCII and Latin-1, general and CJK punctuation, full-width forms, the 3,755
level-1 hanzi of GB 2312 (the common characters), and every character of the
embedded scenarios and of the .ftl files. Rerun after changing either:

    apt-get install fonts-wqy-microhei && pip install fonttools
    python3 tools/subset_font.py
"""
import pathlib, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
src = pathlib.Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
out = root / "assets/fonts/firstline-cjk.ttf"

chars = set(chr(c) for c in range(0x20, 0x7F))
chars |= set(chr(c) for c in range(0xA0, 0x100))
chars |= set(chr(c) for c in range(0x2000, 0x2070))  # general punctuation
chars |= set(chr(c) for c in range(0x2190, 0x2200))  # arrows
chars |= set(chr(c) for c in range(0x2460, 0x2500))  # circled numbers
chars |= set(chr(c) for c in range(0x25A0, 0x2600))  # geometric shapes
chars |= set(chr(c) for c in range(0x3000, 0x3040))  # CJK punctuation
chars |= set(chr(c) for c in range(0xFF00, 0xFFF0))  # full-width forms
# GB 2312 level 1: rows 16-55 (bytes 0xB0-0xD7), 94 cells each; row 55 has 89.
for hi in range(0xB0, 0xD8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
texts = list((root / "scenarios").glob("*.ron")) + list((root / "assets/i18n").glob("*.ftl"))
for p in texts:
    chars |= set(p.read_text(encoding="utf-8"))
chars = sorted(c for c in chars if c.isprintable() or c == " ")
text = root / "target-subset-chars.txt"
text.write_text("".join(chars), encoding="utf-8")
subprocess.run([sys.executable, "-m", "fontTools.subset", str(src), "--font-number=0",
                f"--text-file={text}", f"--output-file={out}", "--layout-features=*",
                "--no-hinting", "--desubroutinize"], check=True)
text.unlink()
print(f"{out}: {len(chars)} characters, {out.stat().st_size} bytes")
