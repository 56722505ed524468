//! The word-count job's input and functions (Dean & Ghemawat, OSDI 2004, §2.1 and §3.1):
//! text generated from a seed with Zipf-distributed words (a few hot keys, as in real text)
//! or typed by the user; tokenization by Unicode word boundaries (UAX #29, which makes each
//! CJK ideograph one word), lower-cased; M splits of consecutive words; the map function
//! with its optional combiner (§4.3); the partitioner `hash(word) mod R` (§4.1) with FNV-1a
//! as the hash; and the sequential word count every run is checked against.

use super::config::{Language, MapReduceConfig};
use crate::sim::prng::Prng;
use std::sync::Arc;
use unicode_segmentation::UnicodeSegmentation;

/// (word, count) pairs, sorted by word: a map's output for one partition, a reduce's output.
pub type Pairs = Vec<(String, u64)>;

/// One input split: its words and its size in bytes (what a map task reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub words: Vec<String>,
    pub bytes: u64,
}

/// The job's input, shared by every node (it is a pure function of the configuration).
#[derive(Debug, PartialEq, Eq)]
pub struct Input {
    pub splits: Vec<Split>,
    pub bytes: u64,
}

const EN_WORDS: &str = "the of and to a in is that it was for on are as with his they at be this from i have or by one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know get through back much go good new write our me man too any day same right look think also around another came come work three must because does part even place well such";
const EN_SYLLABLES: &[&str] = &["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fu"];
const ZH_CHARS: &str = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵";

fn en_word(common: &[&str], rank: usize) -> String {
    if let Some(w) = common.get(rank) {
        return (*w).to_string();
    }
    // Beyond the common words, invented ones: syllables spelled from the rank.
    let mut k = rank - common.len();
    let mut w = String::new();
    loop {
        w.push_str(EN_SYLLABLES[k % EN_SYLLABLES.len()]);
        k /= EN_SYLLABLES.len();
        if k == 0 {
            break;
        }
    }
    w
}

fn zh_word(common: &[char], rank: usize) -> String {
    match common.get(rank) {
        Some(c) => c.to_string(),
        None => char::from_u32(0x4E00 + (rank as u32 * 37) % 20_000).map(String::from).unwrap_or_default(),
    }
}

/// `words` words drawn from a Zipf law (s = 1: the k-th word has weight 1/k) over
/// `vocabulary` words, by integer weights only; English words separated by spaces with a
/// line every twelve, Chinese characters in runs of ten ended by a full stop.
pub fn generate(config: &MapReduceConfig) -> String {
    let vocab = config.vocabulary.max(1) as usize;
    let mut cumulative = Vec::with_capacity(vocab);
    let mut total = 0u64;
    for k in 0..vocab {
        total += 1_000_000 / (k as u64 + 1);
        cumulative.push(total);
    }
    let en: Vec<&str> = EN_WORDS.split(' ').collect();
    let zh: Vec<char> = ZH_CHARS.chars().collect();
    let words: Vec<String> = (0..vocab)
        .map(|k| match config.language {
            Language::En => en_word(&en, k),
            Language::Zh => zh_word(&zh, k),
        })
        .collect();
    let mut rng = Prng::new(config.text_seed ^ 0x6d72_0000_0000_0001);
    let mut text = String::new();
    for i in 0..config.words as usize {
        let u = rng.below(total);
        let rank = cumulative.partition_point(|&c| c <= u);
        match config.language {
            Language::En => {
                if i > 0 {
                    text.push(if i % 12 == 0 { '\n' } else { ' ' });
                }
                text.push_str(&words[rank]);
            }
            Language::Zh => {
                text.push_str(&words[rank]);
                if i % 10 == 9 {
                    text.push('。');
                }
            }
        }
    }
    text
}

/// Words by Unicode word boundaries (UAX #29), lower-cased: "Don't" is one word, "分布式"
/// three.
pub fn tokenize(text: &str) -> Vec<String> {
    text.unicode_words().map(str::to_lowercase).collect()
}

/// The input of a configuration: its text (typed or generated) cut into M splits of
/// consecutive words, each sized by the bytes it spans (built once per configuration).
pub fn input(config: &MapReduceConfig) -> Arc<Input> {
    config.input_cache.0.get_or_init(|| build(config)).clone()
}

/// Build the input of a configuration (uncached; `input` caches it).
pub(crate) fn build(config: &MapReduceConfig) -> Arc<Input> {
    let generated;
    let text = match &config.text {
        Some(t) => t.as_str(),
        None => {
            generated = generate(config);
            generated.as_str()
        }
    };
    let spans: Vec<(usize, &str)> = text.unicode_word_indices().collect();
    let m = config.map_tasks.max(1) as usize;
    let mut splits = Vec::with_capacity(m);
    for i in 0..m {
        let (lo, hi) = (spans.len() * i / m, spans.len() * (i + 1) / m);
        let start = if i == 0 { 0 } else { spans.get(lo).map_or(text.len(), |s| s.0) };
        let end = if i + 1 == m { text.len() } else { spans.get(hi).map_or(text.len(), |s| s.0) };
        let words = spans[lo..hi].iter().map(|(_, w)| w.to_lowercase()).collect();
        splits.push(Split { words, bytes: end.saturating_sub(start) as u64 });
    }
    Arc::new(Input { splits, bytes: text.len() as u64 })
}

/// FNV-1a, 64 bits: the hash every worker applies to a word.
pub fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The partitioner of §4.1: `hash(word) mod R`.
pub fn partition(word: &str, r: u32) -> u32 {
    (fnv1a(word.as_bytes(), 0) % u64::from(r.max(1))) as u32
}

/// The partitioner a worker applies: the shared one, or with the teaching bug a hash salted
/// per worker process.
pub fn partition_at(word: &str, r: u32, salt: Option<u64>) -> u32 {
    match salt {
        None => partition(word, r),
        Some(s) => (fnv1a(word.as_bytes(), s.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % u64::from(r.max(1))) as u32,
    }
}

/// The map function with its combiner: (word, 1) for every word, or with the combiner the
/// sum per word (or, with the teaching bug, the average), cut into R partitions.
pub fn map_split(words: &[String], r: u32, combiner: Combiner, salt: Option<u64>) -> Vec<Pairs> {
    let mut parts: Vec<Pairs> = vec![Vec::new(); r.max(1) as usize];
    match combiner {
        Combiner::None => {
            for w in words {
                parts[partition_at(w, r, salt) as usize].push((w.clone(), 1));
            }
            parts.iter_mut().for_each(|p| p.sort());
        }
        Combiner::Sum | Combiner::Average => {
            // Each word's (word, 1) pairs combined: their sum, or (the teaching bug) their
            // average, which for n ones is 1 whatever n is.
            for (w, n) in totals(words.iter().map(|w| (w.as_str(), 1)).collect()) {
                let v = if combiner == Combiner::Average { 1 } else { n };
                parts[partition_at(w, r, salt) as usize].push((w.to_string(), v));
            }
        }
    }
    parts
}

/// Which combiner a map runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combiner {
    None,
    Sum,
    /// The teaching bug: an average, which is not associative with the reduce's sum.
    Average,
}

/// The reduce function: the sum per word over every piece, sorted by word.
pub fn reduce(pieces: &[Pairs]) -> Pairs {
    totals(pieces.iter().flatten().map(|(w, c)| (w.as_str(), *c)).collect()).into_iter().map(|(w, c)| (w.to_string(), c)).collect()
}

/// The sum per word of (word, count) pairs, in word order: sorted, then each run added up
/// (the sums do not depend on the order within a run).
fn totals(mut pairs: Vec<(&str, u64)>) -> Vec<(&str, u64)> {
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<(&str, u64)> = Vec::new();
    for (w, c) in pairs {
        match out.last_mut() {
            Some(last) if last.0 == w => last.1 += c,
            _ => out.push((w, c)),
        }
    }
    out
}

/// Bytes of (word, count) pairs as a worker writes them: the word and an 8-byte count.
pub fn pairs_bytes(pairs: &[(String, u64)]) -> u64 {
    pairs.iter().map(|(w, _)| w.len() as u64 + 8).sum()
}

/// The sequential word count of the input, per output partition: what the job must produce.
pub fn expected(input: &Input, r: u32) -> Vec<Pairs> {
    let counts = totals(input.splits.iter().flat_map(|s| &s.words).map(|w| (w.as_str(), 1)).collect());
    let mut parts: Vec<Pairs> = vec![Vec::new(); r.max(1) as usize];
    for (w, c) in counts {
        parts[partition(w, r) as usize].push((w.to_string(), c));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_both_languages() {
        assert_eq!(tokenize("The cat's hat, 分布式 can't-stop"), ["the", "cat's", "hat", "分", "布", "式", "can't", "stop"]);
    }

    #[test]
    fn generated_text_is_zipf_and_splits_cover_it() {
        let c = MapReduceConfig { words: 5_000, ..MapReduceConfig::default() };
        let inp = input(&c);
        let all: Vec<&String> = inp.splits.iter().flat_map(|s| &s.words).collect();
        assert_eq!(all.len(), 5_000);
        assert_eq!(inp.splits.iter().map(|s| s.bytes).sum::<u64>(), inp.bytes);
        let the = all.iter().filter(|w| w.as_str() == "the").count();
        let of = all.iter().filter(|w| w.as_str() == "of").count();
        // Zipf with s = 1 over 200 words: the top word about 1/H(200) = 17%, the second half that.
        assert!((700..1_050).contains(&the), "{the}");
        assert!(of * 10 > the * 4 && of * 10 < the * 6, "{of} vs {the}");
    }

    #[test]
    fn combiner_and_reduce_give_the_sequential_count() {
        let c = MapReduceConfig::default();
        let inp = input(&c);
        for comb in [Combiner::None, Combiner::Sum] {
            let maps: Vec<Vec<Pairs>> = inp.splits.iter().map(|s| map_split(&s.words, 3, comb, None)).collect();
            let out: Vec<Pairs> = (0..3).map(|p| reduce(&maps.iter().map(|m| m[p].clone()).collect::<Vec<_>>())).collect();
            assert_eq!(out, expected(&inp, 3));
        }
    }
}
