import type { Random } from '../kernel/index.js';
import type { ProductFacts } from '../world/index.js';
import type { ContentChannel } from './channels.js';

/**
 * The offline generator's templates: short sentences in plain words (the evaluator asks
 * for Flesch reading ease of 60 or more), each fact in a slot, several wordings per slot
 * so that a retry reads differently. Nothing here may make a claim the evaluator bans; a
 * unit test renders every template against the whole catalog to hold it to that.
 */
/** The facts, some perhaps blurred by a weak draft, and the name as prose uses it (`name`) and as a title (`fullName`). */
export type Slots = ProductFacts & Readonly<{ name: string; fullName: string }>;

type Render = (random: Random, slots: Slots) => string;

export const channelTemplates: Readonly<Record<ContentChannel, Render>> = {
  stream_script: (random, slots) =>
    [
      [one(random, openers), one(random, storyLines)],
      [one(random, intros), one(random, brandLines)],
      [one(random, materialLines), one(random, detailLines), one(random, originLines)],
      [one(random, highlightLines)],
      some(random, demoLines, 2),
      some(random, chatLines, 2),
      [one(random, recapLines), one(random, callsToAction), one(random, closers)],
    ]
      .map((paragraph) => paragraph.map((line) => fill(line, slots)).join(' '))
      .join('\n\n'),

  product_page: (random, slots) =>
    [
      slots.fullName,
      [one(random, pageIntros), one(random, pagePitches), one(random, pageUses)].map((line) => fill(line, slots)).join(' '),
      ['Why you will love it:', ...slots.highlights.map((highlight) => `- ${highlight}`), '- Made with {material}'].map((line) => fill(line, slots)).join('\n'),
      ['Details:', '- Brand: {brand}', '- Color: {color}', '- Size: {size}', '- Made in {origin}'].map((line) => fill(line, slots)).join('\n'),
      [one(random, pageBrandLines), one(random, pageClosers)].map((line) => fill(line, slots)).join(' '),
    ].join('\n\n'),

  social_post: (random, slots) =>
    [one(random, socialOpeners), one(random, socialNames), one(random, socialMaterials), one(random, socialHighlights), one(random, socialCalls)]
      .map((line) => fill(line, slots))
      .join(' '),
};

/**
 * What a weak draft adds: one long sentence of long words, the kind of filler the
 * readability criterion is there to catch.
 */
export const ramblingSentence =
  'This extraordinarily sophisticated and meticulously engineered innovation revolutionizes conventional expectations, ' +
  'delivering unparalleled functionality alongside exceptional versatility, considerable durability and remarkable ' +
  'aesthetic sophistication for discerning individuals everywhere.';

/** What stands in for a fact a weak draft leaves out. */
export const vagueSlots = {
  name: 'this pick',
  brand: 'the maker',
  material: 'good stuff',
  highlight: 'a lot to like',
} as const;

function one(random: Random, pool: readonly string[]): string {
  return random.pick(pool);
}

function some(random: Random, pool: readonly string[], count: number): string[] {
  const left = [...pool];
  const picked: string[] = [];
  while (picked.length < count && left.length > 0) picked.push(...left.splice(random.int(0, left.length - 1), 1));
  return picked;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  if (items.length === 0) return vagueSlots.highlight;
  return items.length === 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/** Fills `{slot}`s (`{highlights}` as a list), then starts every sentence and list item with a capital (not after a colon). */
function fill(template: string, slots: Slots): string {
  const values: Readonly<Record<string, string>> = { ...slots, highlights: listed(slots.highlights) };
  const filled = template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  return filled.replace(/(^|[.!?]\s+|- )(\p{Ll})/gu, (_match, before: string, letter: string) => before + letter.toUpperCase());
}

const openers = [
  'Hi everyone, and welcome back to the live!',
  'Hey friends, thanks for joining the stream tonight!',
  'Welcome in, everyone! Grab a seat, we have a fun one.',
  'Hello, hello! So good to see you all in the chat.',
];
const storyLines = [
  'A lot of you asked about this one last time, so here it is.',
  'I have had mine for a few weeks now, and I reach for it all the time.',
  'This is one of my top picks this month, and I can not wait to show you.',
];
const intros = ['Today I want to show you the {name}.', 'Up next is one I use a lot: the {name}.', 'Let me show you the {name}.'];
const brandLines = [
  '{brand} makes it, and you can tell they care about the small things.',
  'It comes from {brand}, a name a lot of you asked about.',
  'This is from {brand}, and I like how they keep things simple.',
];
const materialLines = ['It is made with {material}.', 'The key part here is {material}.', 'The main thing in it is {material}.'];
const detailLines = ['The one I have here is {color}, and the size is {size}.', 'I picked the {color} one, in {size}.', 'This is the {color} one, and it comes in {size}.'];
const originLines = ['It is made in {origin}.', 'It comes to us from {origin}.', 'It was made in {origin}.'];
const highlightLines = ['Here is what stands out: {highlights}.', 'Good to know: {highlights}.', 'What do I like most? {highlights}.'];
const demoLines = [
  'Let me bring it close to the camera so you can see it.',
  'Watch this, I will show you how I use it.',
  'I will hold it up so you can get a good look.',
  'Let me turn it around so you can see every side.',
];
const chatLines = [
  'Drop a heart in the chat if you want a closer look.',
  'Tell me in the chat what you want to know.',
  'If you have a question, type it in the chat and I will answer it.',
  'Say hi in the chat and tell me where you are watching from.',
];
const recapLines = ['So, one more time: the {name}, made with {material}.', 'Quick recap: the {name} by {brand}. {highlights}.'];
const callsToAction = [
  'Tap the product card below to add it to your cart.',
  'The link is pinned at the top, so you can shop it right now.',
  'You can grab it from the cart button while we are live.',
];
const closers = [
  'Thanks for hanging out with me, and see you at the next one!',
  'That is it for this one. Stay with me, more is coming up!',
  'Thank you all for being here tonight!',
];

const pageIntros = ['Meet the {name} from {brand}.', 'Say hello to the {name}.', 'This is the {name}, made by {brand}.'];
const pagePitches = [
  'It is made with {material} and built for every day.',
  'Made with {material}, it is simple to love and easy to use.',
  'At its heart is {material}, picked with care.',
];
const pageUses = [
  'Use it at home, take it with you, and enjoy it each day.',
  'It fits right into your day from the very first use.',
  'It is the kind of thing you will reach for again and again.',
];
const pageBrandLines = ['{brand} makes simple things that work well.', 'Every piece from {brand} is made to be used and loved.', '{brand} keeps it simple, and it shows.'];
const pageClosers = ['Add it to your cart and see for yourself.', 'Pick one up for you, or for a friend.', 'Order yours today while it is in stock.'];

const socialOpeners = ['New on the live tonight!', 'Just in:', 'You asked, so here it is!', 'Fresh pick for you:'];
const socialNames = ['Meet the {name}.', 'Say hi to the {name}.', 'The {name} is here.'];
const socialMaterials = ['Made with {material}.', 'It is made with {material}.'];
const socialHighlights = ['{highlights}.', 'Why we love it: {highlights}.'];
const socialCalls = ['Shop it live today.', 'Tap the link to shop.', 'Catch it on the stream tonight.'];
