#!/usr/bin/python3
"""Rebuilds the fonts embedded in kexie's PDFs from Debian packages.

    apt-get install -y fonts-liberation2 fonts-wqy-microhei fonts-droid-fallback python3-fonttools
    /usr/bin/python3 internal/pdf/fonts/build.py

Liberation Sans is copied unmodified (its licence reserves the name for the
original; documents embed subsets of it, which the OFL allows). The two
Apache-2.0 CJK fonts are subset here: WenQuanYi Micro Hei keeps everything
but Hangul (GB 2312, GBK, Latin, punctuation, fullwidth forms, kana, Bopomofo
and symbols); Droid Sans Fallback keeps only what Micro Hei lacks among CJK
ideographs (Extension A, compatibility ideographs, late URO additions):
Micro Hei is derived from it, so the two look alike. Hinting is dropped: a
PDF is scaled, not rasterised at fixed pixel sizes.
"""
import gzip, os, subprocess
from fontTools.ttLib import TTFont

here = os.path.dirname(os.path.abspath(__file__))
LIB = '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf'
WQY = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'
DROID = '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf'

def gz(data, name):
    # mtime=0 and no file name keep the archive reproducible.
    with open(os.path.join(here, name), 'wb') as out:
        with gzip.GzipFile(filename='', mode='wb', fileobj=out, mtime=0, compresslevel=9) as g:
            g.write(data)

def subset(src, unicodes, out, number=0):
    tmp = os.path.join(here, 'tmp.ttf')
    subprocess.run(['/usr/bin/python3', '-m', 'fontTools.subset', src, '--font-number=%d' % number,
                    '--unicodes=' + ','.join('%X' % u for u in sorted(unicodes)),
                    '--no-hinting', '--layout-features=', '--notdef-outline',
                    '--name-IDs=*', '--name-legacy', '--name-languages=*',
                    '--output-file=' + tmp], check=True)
    with open(tmp, 'rb') as f:
        gz(f.read(), out)
    os.remove(tmp)

def hangul(u):
    return 0x1100 <= u <= 0x11FF or 0x3130 <= u <= 0x318F or 0xA960 <= u <= 0xA97F or 0xAC00 <= u <= 0xD7FF

with open(LIB, 'rb') as f:
    gz(f.read(), 'LiberationSans-Regular.ttf.gz')

wqy = set(TTFont(WQY, fontNumber=0, lazy=True).getBestCmap())
subset(WQY, {u for u in wqy if not hangul(u)}, 'WenQuanYiMicroHei-subset.ttf.gz')

def ideograph(u):
    return 0x3400 <= u <= 0x4DBF or 0x4E00 <= u <= 0x9FFF or 0xF900 <= u <= 0xFAFF or 0x20000 <= u <= 0x3FFFF

droid = set(TTFont(DROID, lazy=True).getBestCmap())
subset(DROID, {u for u in droid if ideograph(u) and u not in wqy}, 'DroidSansFallback-subset.ttf.gz')
