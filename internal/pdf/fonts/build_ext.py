#!/usr/bin/python3
"""Rebuilds the font for CJK Extension B and later that kexie's PDFs embed.

    apt-get install -y fonts-hanazono python3-fonttools
    /usr/bin/python3 internal/pdf/fonts/build_ext.py

HanaMinB (Debian fonts-hanazono, GlyphWiki project; Hanazono Font License or
SIL OFL 1.1, used here under the Hanazono Font License, which allows
modification) is subset to the ideographs of the supplementary planes it has:
CJK Unified Ideographs Extension B, C, D, E and F (U+20000–U+2EBEF; it has no
Extension G and no compatibility supplement). Hinting, vertical metrics and
layout tables are dropped: a PDF is scaled, not rasterised at pixel sizes,
and kexie sets text horizontally without shaping. The outlines are rescaled
from 1024 to 512 units per em (a unit is then 0.007 mm at 10 pt, below a
600 dpi printer's dot of 0.042 mm): the deltas pack tighter and the file compresses from 17.8 MB
to 15.7 MB gzipped.

The output is a gzip file of independent members, each holding CHUNK bytes
of the font (the last one less): gunzip reads it whole as usual, and kexie
inflates only the members that hold the glyphs a document uses. The
.idx file beside it lists, one decimal a line, the chunk size, the font's
size and the offset of each member in the .gz file, then the .gz file's size.
The output is reproducible (the font keeps HanaMinB's head.modified).
"""
import gzip, os, subprocess
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

here = os.path.dirname(os.path.abspath(__file__))
HANA = '/usr/share/fonts/truetype/hanazono/HanaMinB.ttf'
CHUNK = 256 * 1024
RANGES = '20000-2A6DF,2A700-2EBEF,30000-3134F'  # Extensions B–F, and G if a newer font has it

tmp = os.path.join(here, 'tmp.ttf')
subprocess.run(['/usr/bin/python3', '-m', 'fontTools.subset', HANA, '--unicodes=' + RANGES,
                '--no-hinting', '--layout-features=', '--notdef-outline',
                '--drop-tables+=vhea,vmtx,BASE,FFTM,GDEF,gasp',
                '--name-IDs=*', '--name-legacy', '--name-languages=*',
                '--output-file=' + tmp], check=True)
font = TTFont(tmp, recalcTimestamp=False)  # head.modified stays the original's: reproducible
scale_upem(font, 512)
font.save(tmp)  # tables in the recommended order: glyf after cmap, hmtx and loca
with open(tmp, 'rb') as f:
    data = f.read()
os.remove(tmp)

offsets, packed = [], bytearray()
for at in range(0, len(data), CHUNK):
    offsets.append(len(packed))
    # mtime=0 and no file name keep the archive reproducible.
    packed += gzip.compress(data[at:at + CHUNK], compresslevel=9, mtime=0)
offsets.append(len(packed))
with open(os.path.join(here, 'HanaMinB-ext.ttf.gz'), 'wb') as f:
    f.write(packed)
with open(os.path.join(here, 'HanaMinB-ext.idx'), 'w') as f:
    f.write('\n'.join(str(n) for n in [CHUNK, len(data)] + offsets) + '\n')
