// Writes regions_en.tsv, the English names of the regions in regions.tsv:
//
//	cd "$(mktemp -d)" && npm install pinyin-pro@3.29.4
//	node /path/to/internal/cnid/regions_en_gen.mjs /path/to/internal/cnid/regions.tsv > regions_en.tsv
//
// Provinces take their conventional English names (PROVINCES below:
// "Heilongjiang Province", "Inner Mongolia Autonomous Region"). Lower
// levels take the Hanyu Pinyin romanisation GB/T 2260 uses: the proper
// name as one word, an apostrophe before a syllable beginning with a, o or
// e ("Ha'erbin"), then each ethnic group with -zu and the generic term,
// each as a capitalised word ("Yanbian Chaoxianzu Zizhizhou", "Chaoyang
// Qu", "Shan Xian"). Readings come from pinyin-pro's word dictionary;
// place-name readings it gets wrong were checked by hand and are fixed in
// NAMES and CHARS. Names from minority languages are romanised from their
// Chinese characters too ("Wulumuqi Shi"), not transcribed from the
// language as the standard does for some of them ("Ürümqi").
import { pinyin } from 'pinyin-pro';
import fs from 'fs';

const SOURCE = 'pinyin-pro 3.29.4 (MIT) readings, fixed by hand where listed in regions_en_gen.mjs';

const PROVINCES = {
  '110000': 'Beijing Municipality', '120000': 'Tianjin Municipality', '130000': 'Hebei Province',
  '140000': 'Shanxi Province', '150000': 'Inner Mongolia Autonomous Region', '210000': 'Liaoning Province',
  '220000': 'Jilin Province', '230000': 'Heilongjiang Province', '310000': 'Shanghai Municipality',
  '320000': 'Jiangsu Province', '330000': 'Zhejiang Province', '340000': 'Anhui Province',
  '350000': 'Fujian Province', '360000': 'Jiangxi Province', '370000': 'Shandong Province',
  '410000': 'Henan Province', '420000': 'Hubei Province', '430000': 'Hunan Province',
  '440000': 'Guangdong Province', '450000': 'Guangxi Zhuang Autonomous Region', '460000': 'Hainan Province',
  '500000': 'Chongqing Municipality', '510000': 'Sichuan Province', '520000': 'Guizhou Province',
  '530000': 'Yunnan Province', '540000': 'Xizang Autonomous Region', '610000': 'Shaanxi Province',
  '620000': 'Gansu Province', '630000': 'Qinghai Province', '640000': 'Ningxia Hui Autonomous Region',
  '650000': 'Xinjiang Uygur Autonomous Region', '710000': 'Taiwan Province',
  '810000': 'Hong Kong Special Administrative Region', '820000': 'Macao Special Administrative Region',
};

// Proper names whose place-name reading differs from the dictionary's.
const NAMES = {
  '单': 'shan', '涡阳': 'guo yang', '洪洞': 'hong tong', '浚': 'xun', '黄陂': 'huang pi', '蔚': 'yu',
  '乐亭': 'lao ting', '乐清': 'yue qing', '万柏林': 'wan bai lin', '蚌山': 'beng shan', '歙': 'she',
  '筠连': 'jun lian', '覃塘': 'tan tang', '泌阳': 'bi yang', '宕昌': 'tan chang', '吴堡': 'wu bu',
  '调兵山': 'diao bing shan', '繁峙': 'fan shi', '尉犁': 'yu li', '大城': 'da cheng', '珲春': 'hun chun',
  '曾都': 'zeng du', '六合': 'lu he',
};
// Characters read one way in every place name here.
const CHARS = { '都': 'du', '什': 'shi' };

// ETHNIC: the 56 groups, and 各 of 各族 ("of every group": 龙胜各族自治县).
const ETHNIC = ['蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家',
  '哈尼', '哈萨克', '傣', '黎', '傈僳', '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土',
  '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌', '普米', '塔吉克', '怒', '乌孜别克',
  '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔', '独龙', '鄂伦春', '赫哲', '门巴', '珞巴', '基诺', '各']
  .sort((a, b) => b.length - a.length);

// Generic terms, longest first.
const GENERIC = [['自治州', 'Zizhizhou'], ['自治县', 'Zizhixian'], ['自治旗', 'Zizhiqi'], ['地区', 'Diqu'],
  ['林区', 'Linqu'], ['特区', 'Tequ'], ['新区', 'Xinqu'], ['矿区', 'Kuangqu'], ['市', 'Shi'], ['县', 'Xian'],
  ['区', 'Qu'], ['旗', 'Qi'], ['盟', 'Meng']];

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// word romanises Chinese text as one word: syllables joined, an
// apostrophe before a syllable beginning with a vowel.
function word(zh) {
  const syl = NAMES[zh] ? NAMES[zh].split(' ') : pinyin(zh, { toneType: 'none', type: 'array' });
  const chars = [...zh];
  let out = '';
  syl.forEach((s, i) => {
    if (!NAMES[zh] && CHARS[chars[i]]) s = CHARS[chars[i]];
    if (!/^[a-zü]+$/.test(s)) throw new Error(`no reading for ${zh}: ${s}`);
    out += (i > 0 && /^[aoe]/.test(s) ? "'" : '') + s;
  });
  return cap(out);
}

function english(code, name, level, provinces) {
  if (level === 'province') return PROVINCES[code];
  if (name === '市辖区') return 'Shixiaqu';
  if (name === '县') return 'Xian';
  if (name.includes('直辖县级行政区划')) return `County-level divisions under ${provinces[code.slice(0, 2) + '0000']}`;
  const islands = { '西沙群岛': 'Xisha Qundao', '南沙群岛': 'Nansha Qundao', '中沙群岛的岛礁及其海域': 'Zhongsha Qundao de Daojiao jiqi Haiyu' };
  if (islands[name]) return islands[name];
  let rest = name;
  let generic = '';
  for (const [zh, en] of GENERIC) {
    if (rest.endsWith(zh) && rest.length > zh.length) {
      rest = rest.slice(0, -zh.length);
      generic = en;
      break;
    }
  }
  // Ethnic groups before an autonomous term: 延边朝鲜族自治州.
  const groups = [];
  if (generic.startsWith('Zizhi') || /族$/.test(rest)) {
    for (let found = true; found;) {
      found = false;
      for (const e of ETHNIC) {
        const withZu = rest.endsWith(e + '族');
        const bare = !withZu && e.length > 1 && generic.startsWith('Zizhi') && rest.endsWith(e);
        if ((withZu || bare) && rest.length > e.length + (withZu ? 1 : 0)) {
          rest = rest.slice(0, -(e.length + (withZu ? 1 : 0)));
          groups.unshift(word(withZu ? e + '族' : e));
          found = true;
          break;
        }
      }
    }
  }
  return [word(rest), ...groups, generic].filter(Boolean).join(' ');
}

const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
const provinces = Object.fromEntries(rows.filter((r) => r[2] === 'province').map((r) => [r[0], PROVINCES[r[0]]]));
const out = ['# English names of the GB/T 2260 regions in regions.tsv (see regions_en_gen.mjs for the rules).',
  `# source: ${SOURCE}`, `# converted: ${new Date().toISOString().slice(0, 10)} by internal/cnid/regions_en_gen.mjs`, '# code\tname_en'];
for (const [code, name, level] of rows) {
  const en = english(code, name, level, provinces);
  if (!en) throw new Error(`no English name for ${code} ${name}`);
  out.push(`${code}\t${en}`);
}
process.stdout.write(out.join('\n') + '\n');
