/**
 * The words the simulated shop's catalog is built from. Each kind of product carries its
 * own adjectives, materials and sizes, so the facts that content is later written from
 * agree with each other. Price, cost and lead-time ranges follow what live-shopping
 * sellers typically carry: cheap impulse beauty, pricier outdoor and jewelry, overseas
 * electronics waiting longest.
 */
export const categoryIds = [
  'beauty',
  'fashion',
  'home',
  'electronics_accessories',
  'fitness',
  'kitchen',
  'toys',
  'jewelry',
  'pet',
  'outdoor',
] as const;
export type CategoryId = (typeof categoryIds)[number];

export type ProductKind = Readonly<{
  noun: string;
  adjectives: readonly string[];
  /** Main material or key ingredient. */
  materials: readonly string[];
  sizes: readonly string[];
}>;

export type CategorySpec = Readonly<{
  label: string;
  skuPrefix: string;
  /** Relative share of the catalog. */
  weight: number;
  /** Whole dollars; prices are drawn log-uniformly and end in .99. */
  priceDollars: readonly [number, number];
  /** Unit cost as a percentage of price; every band lies within 25–65. */
  costPercent: readonly [number, number];
  stock: readonly [number, number];
  leadTimeDays: readonly [number, number];
  brands: readonly string[];
  kinds: readonly ProductKind[];
  colors: readonly string[];
  origins: readonly string[];
  /** Claims true of any product in the category. */
  highlights: readonly string[];
  /** Words creators in this niche put in their handles. */
  handleWords: readonly string[];
}>;

function kind(noun: string, adjectives: string[], materials: string[], sizes: string[]): ProductKind {
  return { noun, adjectives, materials, sizes };
}

export const categorySpecs: Readonly<Record<CategoryId, CategorySpec>> = {
  beauty: {
    label: 'Beauty',
    skuPrefix: 'BTY',
    weight: 16,
    priceDollars: [9, 68],
    costPercent: [25, 40],
    stock: [80, 900],
    leadTimeDays: [5, 21],
    brands: ['Lumina', 'Petal & Pine', 'Glowhaus', 'Mira Beauty', 'Dewdrop Lab', 'Saffron Skin'],
    kinds: [
      kind('Lip Oil', ['Plumping', 'Glossy', 'Tinted'], ['jojoba oil', 'vitamin E'], ['4 ml', '6 ml']),
      kind('Face Serum', ['Hydrating', 'Brightening', 'Overnight'], ['hyaluronic acid', 'niacinamide', 'vitamin C'], ['15 ml', '30 ml']),
      kind('Cleansing Balm', ['Melting', 'Soothing', 'Gentle'], ['squalane', 'oat extract'], ['50 ml', '100 ml']),
      kind('Sheet Mask Set', ['Hydrating', 'Calming', 'Glow'], ['hyaluronic acid', 'centella asiatica'], ['pack of 5', 'pack of 10']),
      kind('Eyeshadow Palette', ['Matte', 'Shimmer', 'Everyday'], ['mica', 'talc-free pigments'], ['9 shades', '12 shades']),
      kind('Setting Spray', ['Dewy', 'Matte', 'Long-Wear'], ['aloe vera', 'rose water'], ['50 ml', '100 ml']),
      kind('Brow Gel', ['Clear', 'Tinted', 'Sculpting'], ['castor oil', 'panthenol'], ['4 ml', '6 ml']),
      kind('Body Butter', ['Whipped', 'Nourishing', 'Velvet'], ['shea butter', 'cocoa butter'], ['200 ml', '250 ml']),
      kind('Hair Mask', ['Repairing', 'Bond-Building', 'Overnight'], ['argan oil', 'keratin'], ['200 ml', '250 ml']),
      kind('Tinted Moisturiser', ['Radiant', 'Sheer', 'Dewy'], ['ceramides', 'SPF 30 minerals'], ['30 ml', '50 ml']),
    ],
    colors: ['Rose', 'Nude', 'Berry', 'Coral', 'Clear', 'Bronze', 'Peach'],
    origins: ['South Korea', 'USA', 'France', 'Japan'],
    highlights: ['cruelty-free', 'fragrance-free', 'vegan formula', 'dermatologist tested', 'refillable packaging', 'suits sensitive skin'],
    handleWords: ['glow', 'beauty', 'glam', 'skincare'],
  },
  fashion: {
    label: 'Fashion',
    skuPrefix: 'FSH',
    weight: 18,
    priceDollars: [14, 120],
    costPercent: [30, 50],
    stock: [40, 600],
    leadTimeDays: [10, 35],
    brands: ['Northline', 'Atelier Nove', 'Common Thread', 'Marlowe & Co', 'Kinfolk Supply', 'Urbanloom'],
    kinds: [
      kind('Wrap Dress', ['Floral', 'Satin', 'Everyday'], ['viscose', 'linen'], ['XS–XL', 'S–XXL']),
      kind('Denim Jacket', ['Oversized', 'Cropped', 'Vintage-Wash'], ['denim', 'organic cotton denim'], ['XS–XL', 'S–XXL']),
      kind('Linen Shirt', ['Relaxed', 'Classic', 'Boxy'], ['linen', 'linen-cotton blend'], ['XS–XL', 'S–XXL']),
      kind('Cargo Pants', ['Relaxed', 'Tapered', 'Wide-Leg'], ['organic cotton', 'ripstop cotton'], ['XS–XL', 'waist 26–36']),
      kind('Knit Cardigan', ['Chunky', 'Ribbed', 'Cropped'], ['merino wool', 'cotton-cashmere blend'], ['XS–XL', 'one size']),
      kind('Midi Skirt', ['Pleated', 'Satin', 'A-Line'], ['recycled polyester', 'viscose'], ['XS–XL', 'S–XXL']),
      kind('Hoodie', ['Oversized', 'Heavyweight', 'Zip-Up'], ['organic cotton fleece', 'recycled cotton'], ['XS–XL', 'S–XXL']),
      kind('Trench Coat', ['Classic', 'Belted', 'Tailored'], ['cotton gabardine', 'recycled polyester'], ['XS–XL', 'S–XXL']),
      kind('Tote Bag', ['Quilted', 'Everyday', 'Structured'], ['vegan leather', 'recycled canvas'], ['one size', '40 × 35 cm']),
      kind('Sneakers', ['Retro', 'Chunky', 'Minimal'], ['vegan leather', 'recycled knit'], ['US 6–11', 'EU 36–45']),
    ],
    colors: ['Black', 'Ivory', 'Sage', 'Navy', 'Camel', 'Rust', 'Heather Grey'],
    origins: ['Portugal', 'Vietnam', 'India', 'Turkey', 'USA'],
    highlights: ['true to size', 'ethically made', 'limited drop', 'easy care', 'all-season', 'unisex fit'],
    handleWords: ['style', 'closet', 'fits', 'wardrobe'],
  },
  home: {
    label: 'Home',
    skuPrefix: 'HOM',
    weight: 10,
    priceDollars: [12, 150],
    costPercent: [35, 55],
    stock: [30, 400],
    leadTimeDays: [10, 40],
    brands: ['Hearth & Hollow', 'Nestwell', 'Casa Lune', 'Oak & Ember', 'Softhaus'],
    kinds: [
      kind('Throw Blanket', ['Cozy', 'Chunky-Knit', 'Waffle'], ['cotton', 'recycled wool'], ['50 × 60 in', '60 × 80 in']),
      kind('Scented Candle', ['Hand-Poured', 'Three-Wick', 'Calming'], ['soy wax', 'coconut wax'], ['8 oz', '14 oz']),
      kind('Table Lamp', ['Minimalist', 'Mushroom', 'Sculpted'], ['ceramic', 'oak', 'opal glass'], ['12 in', '18 in']),
      kind('Duvet Cover', ['Washed', 'Textured', 'Crisp'], ['linen', 'cotton percale'], ['queen', 'king']),
      kind('Wall Mirror', ['Arched', 'Round', 'Rattan-Framed'], ['rattan', 'oak', 'brass-finished steel'], ['24 in', '30 in']),
      kind('Storage Basket', ['Handwoven', 'Stackable', 'Lidded'], ['seagrass', 'cotton rope', 'rattan'], ['small', 'medium', 'large']),
      kind('Planter', ['Ribbed', 'Footed', 'Self-Watering'], ['ceramic', 'terracotta'], ['6 in', '8 in', '10 in']),
      kind('Reed Diffuser', ['Calming', 'Fresh', 'Woody'], ['essential oils', 'rattan reeds'], ['100 ml', '200 ml']),
      kind('Cushion Cover Set', ['Boho', 'Textured', 'Tufted'], ['cotton', 'linen'], ['18 × 18 in', '20 × 20 in']),
      kind('Wall Clock', ['Scandi', 'Silent', 'Modern'], ['oak', 'metal'], ['12 in', '16 in']),
    ],
    colors: ['Oat', 'Charcoal', 'Terracotta', 'White', 'Olive', 'Blush'],
    origins: ['India', 'Portugal', 'China', 'USA', 'Mexico'],
    highlights: ['handmade', 'gift ready', 'sustainably sourced', 'easy to clean', 'no assembly needed', 'pet friendly'],
    handleWords: ['home', 'nest', 'living', 'interiors'],
  },
  electronics_accessories: {
    label: 'Electronics accessories',
    skuPrefix: 'ELA',
    weight: 10,
    priceDollars: [9, 130],
    costPercent: [45, 65],
    stock: [40, 500],
    leadTimeDays: [14, 45],
    brands: ['Voltix', 'Nimbus Audio', 'Ampere Labs', 'Kinetix', 'Orbi', 'Halo Tech'],
    kinds: [
      kind('Earbuds', ['Wireless', 'Noise-Cancelling', 'Sport'], ['ABS plastic', 'silicone'], ['30-hour battery', '24-hour battery']),
      kind('Phone Case', ['Slim', 'Rugged', 'Clear'], ['TPU', 'silicone', 'recycled polycarbonate'], ['6.1 in', '6.7 in']),
      kind('Magnetic Charger', ['Fast-Charge', 'Foldable', '3-in-1'], ['aluminium', 'silicone'], ['15 W', '25 W']),
      kind('Power Bank', ['Slim', 'Fast-Charge', 'Magnetic'], ['aluminium', 'recycled ABS'], ['10,000 mAh', '20,000 mAh']),
      kind('USB-C Hub', ['Compact', 'Dual-Port', '7-in-1'], ['aluminium'], ['4 ports', '7 ports']),
      kind('Ring Light', ['Dimmable', 'Clip-On', 'Pro'], ['ABS plastic', 'aluminium'], ['10 in', '18 in']),
      kind('Laptop Stand', ['Foldable', 'Adjustable', 'Ultra-Light'], ['aluminium'], ['fits 10–16 in', 'fits 11–17 in']),
      kind('Bluetooth Speaker', ['Waterproof', 'Compact', 'Party'], ['silicone', 'fabric mesh'], ['10 W', '20 W']),
      kind('Charging Cable 3-Pack', ['Braided', 'Fast-Charge', 'Right-Angle'], ['braided nylon'], ['1 m', '2 m']),
      kind('Phone Tripod', ['Extendable', 'Bluetooth Remote', 'Travel'], ['aluminium', 'ABS plastic'], ['up to 1.5 m', 'up to 1.7 m']),
    ],
    colors: ['Black', 'White', 'Graphite', 'Midnight Blue', 'Sand'],
    origins: ['China', 'Vietnam', 'Taiwan', 'South Korea'],
    highlights: ['12-month warranty', 'travel friendly', 'drop tested', 'works with iPhone and Android', 'recycled packaging', 'compact design'],
    handleWords: ['tech', 'gadgets', 'setup', 'unboxed'],
  },
  fitness: {
    label: 'Fitness',
    skuPrefix: 'FIT',
    weight: 8,
    priceDollars: [10, 140],
    costPercent: [35, 55],
    stock: [30, 450],
    leadTimeDays: [10, 30],
    brands: ['Peak Form', 'Stridewell', 'Corefit', 'Ironbloom', 'Flowstate'],
    kinds: [
      kind('Yoga Mat', ['Non-Slip', 'Extra-Thick', 'Travel'], ['natural rubber', 'TPE'], ['4 mm', '6 mm']),
      kind('Resistance Band Set', ['Fabric', 'Heavy-Duty', 'Loop'], ['latex-free TPE', 'woven elastic'], ['set of 3', 'set of 5']),
      kind('Dumbbell Pair', ['Hex', 'Adjustable', 'Neoprene'], ['cast iron', 'neoprene-coated iron'], ['2 × 4 kg', '2 × 8 kg', '2 × 12 kg']),
      kind('Jump Rope', ['Weighted', 'Speed', 'Tangle-Free'], ['steel cable', 'PVC'], ['adjustable 3 m']),
      kind('Foam Roller', ['Textured', 'High-Density', 'Vibrating'], ['EVA foam', 'EPP foam'], ['30 cm', '45 cm']),
      kind('Leggings', ['High-Waist', 'Sculpting', 'Seamless'], ['recycled nylon', 'nylon-spandex blend'], ['XS–XL', 'S–XXL']),
      kind('Sports Bra', ['High-Support', 'Racerback', 'Seamless'], ['recycled nylon', 'nylon-spandex blend'], ['XS–XL', 'S–XXL']),
      kind('Water Bottle', ['Insulated', 'Leak-Proof', 'Time-Marked'], ['stainless steel', 'Tritan'], ['750 ml', '1 L']),
      kind('Massage Gun', ['Mini', 'Quiet', 'Pro'], ['aluminium', 'ABS plastic'], ['4 heads', '6 heads']),
      kind('Kettlebell', ['Competition', 'Vinyl-Coated', 'Adjustable'], ['cast iron', 'steel'], ['8 kg', '12 kg', '16 kg']),
    ],
    colors: ['Black', 'Lilac', 'Ocean', 'Sage', 'Coral', 'Slate'],
    origins: ['China', 'Taiwan', 'USA', 'Vietnam'],
    highlights: ['home gym ready', 'sweat resistant', 'latex-free', 'travel friendly', 'easy to clean', '12-month warranty'],
    handleWords: ['fit', 'lifts', 'moves', 'strong'],
  },
  kitchen: {
    label: 'Kitchen',
    skuPrefix: 'KIT',
    weight: 8,
    priceDollars: [8, 160],
    costPercent: [35, 55],
    stock: [30, 450],
    leadTimeDays: [10, 35],
    brands: ['Copper Table', 'Forge & Fig', 'Mise Kitchen', 'Saltbox', 'Kettle & Crumb'],
    kinds: [
      kind("Chef's Knife", ['Forged', 'Japanese-Style', 'Professional'], ['high-carbon stainless steel', 'Damascus steel'], ['8 in', '10 in']),
      kind('Skillet', ['Pre-Seasoned', 'Non-Stick', 'Tri-Ply'], ['cast iron', 'stainless steel'], ['10 in', '12 in']),
      kind('Pour-Over Kettle', ['Gooseneck', 'Electric', 'Temperature-Control'], ['stainless steel'], ['0.8 L', '1 L']),
      kind('Cutting Board', ['End-Grain', 'Reversible', 'Juice-Groove'], ['acacia wood', 'bamboo'], ['12 × 16 in', '14 × 20 in']),
      kind('Spice Grinder', ['Electric', 'Adjustable', 'Refillable'], ['stainless steel', 'ceramic burr'], ['set of 2', 'single']),
      kind('Meal-Prep Containers', ['Stackable', 'Leak-Proof', 'Glass'], ['borosilicate glass', 'food-grade silicone'], ['set of 4', 'set of 10']),
      kind('Milk Frother', ['Handheld', 'Rechargeable', 'Barista'], ['stainless steel'], ['single speed', '3 speeds']),
      kind('Dutch Oven', ['Enamelled', 'Round', 'Heritage'], ['enamelled cast iron'], ['4.5 qt', '5.5 qt']),
      kind('Salad Spinner', ['Collapsible', 'One-Hand', 'Large'], ['BPA-free plastic', 'stainless steel'], ['3 L', '5 L']),
      kind('Mixing Bowl Set', ['Nesting', 'Non-Slip', 'Lidded'], ['stainless steel', 'borosilicate glass'], ['set of 3', 'set of 5']),
    ],
    colors: ['Matte Black', 'Cream', 'Sage', 'Copper', 'Cherry Red'],
    origins: ['China', 'Germany', 'Japan', 'USA', 'India'],
    highlights: ['dishwasher safe', 'BPA-free', 'lifetime warranty', 'gift boxed', 'easy to clean', 'compact storage'],
    handleWords: ['eats', 'kitchen', 'cooks', 'bakes'],
  },
  toys: {
    label: 'Toys',
    skuPrefix: 'TOY',
    weight: 7,
    priceDollars: [7, 90],
    costPercent: [35, 55],
    stock: [40, 500],
    leadTimeDays: [14, 45],
    brands: ['Little Oak', 'Brightbloom', 'Tinker Town', 'Pip & Pals', 'Wonderwhirl'],
    kinds: [
      kind('Building Block Set', ['Deluxe', 'Creative', 'Starter'], ['ABS plastic', 'recycled plastic'], ['250 pieces', '500 pieces']),
      kind('Plush Bunny', ['Cuddly', 'Sensory', 'Heirloom'], ['organic cotton', 'recycled polyester'], ['30 cm', '45 cm']),
      kind('Wooden Train Set', ['Classic', 'Deluxe', 'Magnetic'], ['FSC-certified wood'], ['40 pieces', '80 pieces']),
      kind('Jigsaw Puzzle', ['Illustrated', 'Glow-in-the-Dark', 'Family'], ['recycled cardboard'], ['500 pieces', '1000 pieces']),
      kind('Robot Kit', ['Coding', 'Solar', 'Interactive'], ['ABS plastic'], ['ages 8+', 'ages 10+']),
      kind('Play Kitchen Set', ['Montessori', 'Mini', 'Pretend-Play'], ['FSC-certified wood', 'recycled plastic'], ['24 pieces', '36 pieces']),
      kind('Magnetic Tiles', ['Rainbow', 'Clear-Colour', 'Starter'], ['ABS plastic'], ['60 pieces', '100 pieces']),
      kind('Art Easel', ['Double-Sided', 'Adjustable', 'Tabletop'], ['FSC-certified wood'], ['ages 3+']),
      kind('Bath Toy Set', ['Mould-Free', 'Stacking', 'Floating'], ['food-grade silicone'], ['set of 4', 'set of 6']),
      kind('Card Game', ['Family', 'Party', 'Strategy'], ['recycled cardboard'], ['2–6 players', '2–8 players']),
    ],
    colors: ['Rainbow', 'Pastel', 'Primary', 'Natural', 'Pink', 'Blue'],
    origins: ['China', 'Vietnam', 'Germany', 'Indonesia'],
    highlights: ['no batteries needed', 'non-toxic finish', 'educational', 'gift ready', 'screen-free play', 'easy to clean'],
    handleWords: ['playroom', 'toybox', 'momlife', 'kids'],
  },
  jewelry: {
    label: 'Jewelry',
    skuPrefix: 'JWL',
    weight: 10,
    priceDollars: [12, 220],
    costPercent: [25, 40],
    stock: [20, 300],
    leadTimeDays: [7, 28],
    brands: ['Aurelia', 'Goldleaf Studio', 'Luna & Lark', 'Mirelle', 'Oro Bloom'],
    kinds: [
      kind('Hoop Earrings', ['Chunky', 'Twisted', 'Dainty'], ['14k gold vermeil', 'sterling silver'], ['15 mm', '25 mm', '40 mm']),
      kind('Pendant Necklace', ['Celestial', 'Heart', 'Initial'], ['14k gold vermeil', 'sterling silver'], ['16 in chain', '18 in chain']),
      kind('Stacking Ring', ['Dainty', 'Pavé', 'Hammered'], ['sterling silver', '14k gold vermeil'], ['sizes 5–9']),
      kind('Tennis Bracelet', ['Pavé', 'Classic', 'Minimal'], ['sterling silver with cubic zirconia'], ['6.5 in', '7 in']),
      kind('Charm Bracelet', ['Layered', 'Celestial', 'Pearl'], ['18k gold-plated brass', 'stainless steel'], ['adjustable']),
      kind('Huggie Earrings', ['Pavé', 'Minimal', 'Pearl'], ['14k gold vermeil', 'sterling silver'], ['10 mm', '12 mm']),
      kind('Signet Ring', ['Engravable', 'Oval', 'Minimal'], ['sterling silver', '18k gold-plated brass'], ['sizes 5–10']),
      kind('Anklet', ['Dainty', 'Layered', 'Beaded'], ['stainless steel', 'sterling silver'], ['adjustable 9–11 in']),
      kind('Chain Necklace', ['Paperclip', 'Herringbone', 'Chunky'], ['18k gold-plated brass', 'stainless steel'], ['16 in', '18 in', '20 in']),
      kind('Ear Cuff', ['Twisted', 'Pavé', 'Minimal'], ['sterling silver', '14k gold vermeil'], ['one size']),
    ],
    colors: ['Gold', 'Silver', 'Rose Gold'],
    origins: ['Thailand', 'India', 'Italy', 'USA', 'China'],
    highlights: ['hypoallergenic', 'tarnish-resistant', 'nickel-free', 'gift box included', 'everyday wear', 'handmade'],
    handleWords: ['sparkle', 'gems', 'stacks', 'jewels'],
  },
  pet: {
    label: 'Pet',
    skuPrefix: 'PET',
    weight: 6,
    priceDollars: [6, 95],
    costPercent: [35, 55],
    stock: [30, 450],
    leadTimeDays: [7, 25],
    brands: ['Happy Paws Co', 'Tailwind', 'Barkley & Bean', 'Whisker Works', 'Furlough'],
    kinds: [
      kind('Dog Bed', ['Orthopedic', 'Calming', 'Bolster'], ['memory foam', 'recycled polyester'], ['M', 'L', 'XL']),
      kind('Cat Tree', ['Modern', 'Multi-Level', 'Compact'], ['sisal', 'engineered wood'], ['90 cm', '140 cm']),
      kind('Slow Feeder Bowl', ['Non-Slip', 'Puzzle', 'Raised'], ['food-grade silicone', 'stainless steel'], ['2 cups', '4 cups']),
      kind('Dog Harness', ['No-Pull', 'Reflective', 'Padded'], ['nylon webbing', 'breathable mesh'], ['XS–L', 'S–XL']),
      kind('Chew Toy Pack', ['Durable', 'Chew-Proof', 'Dental'], ['natural rubber', 'nylon'], ['pack of 3', 'pack of 5']),
      kind('Grooming Brush', ['Self-Cleaning', 'Deshedding', 'Gentle'], ['stainless steel pins', 'bamboo'], ['small', 'large']),
      kind('Cat Scratcher', ['Wall-Mounted', 'Lounge', 'Reversible'], ['corrugated cardboard', 'sisal'], ['45 cm', '60 cm']),
      kind('Water Fountain', ['Quiet', 'Filtered', 'Wireless'], ['stainless steel', 'BPA-free plastic'], ['2 L', '3 L']),
      kind('Treat Pouch', ['Clip-On', 'Magnetic', 'Washable'], ['recycled polyester', 'silicone'], ['one size']),
      kind('Leash', ['Reflective', 'Hands-Free', 'Rope'], ['nylon webbing', 'climbing rope'], ['1.5 m', '2 m']),
    ],
    colors: ['Grey', 'Tan', 'Navy', 'Forest Green', 'Pink'],
    origins: ['China', 'USA', 'Vietnam', 'Mexico'],
    highlights: ['vet recommended', 'non-toxic', 'easy clean', 'durable build', 'suits all breeds', 'pet-safe materials'],
    handleWords: ['pets', 'paws', 'doglife', 'catmom'],
  },
  outdoor: {
    label: 'Outdoor',
    skuPrefix: 'OUT',
    weight: 7,
    priceDollars: [12, 250],
    costPercent: [40, 60],
    stock: [15, 250],
    leadTimeDays: [14, 40],
    brands: ['Ridgeline', 'Summit & Sage', 'Trailborn', 'Northfork', 'Basecamp Co'],
    kinds: [
      kind('Camping Hammock', ['Ultralight', 'Double', 'Packable'], ['ripstop nylon', 'parachute nylon'], ['1-person', '2-person']),
      kind('Tumbler', ['Insulated', 'Leak-Proof', 'Handled'], ['stainless steel'], ['20 oz', '40 oz']),
      kind('Daypack', ['Packable', 'Waterproof', 'Trail'], ['recycled polyester', 'ripstop nylon'], ['20 L', '30 L']),
      kind('Headlamp', ['Rechargeable', 'Ultralight', 'Waterproof'], ['aluminium', 'ABS plastic'], ['400 lumens', '800 lumens']),
      kind('Camp Chair', ['Folding', 'Compact', 'Rocking'], ['aluminium', 'ripstop polyester'], ['up to 120 kg', 'up to 150 kg']),
      kind('Sleeping Bag', ['Mummy', 'Three-Season', 'Packable'], ['responsibly sourced down', 'synthetic insulation'], ['regular', 'long']),
      kind('Trekking Poles', ['Collapsible', 'Carbon', 'Shock-Absorbing'], ['carbon fibre', 'aluminium'], ['adjustable 100–135 cm']),
      kind('Picnic Blanket', ['Waterproof', 'Foldable', 'Oversized'], ['recycled polyester', 'waxed canvas'], ['60 × 80 in', '80 × 80 in']),
      kind('Solar Lantern', ['Collapsible', 'Rechargeable', 'All-Weather'], ['ABS plastic', 'silicone'], ['150 lumens', '300 lumens']),
      kind('Rain Jacket', ['Packable', 'Windproof', 'Breathable'], ['recycled nylon', '3-layer shell'], ['XS–XL', 'S–XXL']),
    ],
    colors: ['Forest', 'Slate', 'Sand', 'Blaze Orange', 'Black'],
    origins: ['Vietnam', 'China', 'USA', 'Taiwan'],
    highlights: ['packs small', 'lifetime warranty', 'weather resistant', 'lightweight', 'trail tested', 'easy to clean'],
    handleWords: ['outdoors', 'trails', 'camps', 'wild'],
  },
};

export const creatorFirstNames = [
  'Maya', 'Jordan', 'Aisha', 'Leo', 'Sofia', 'Mateo', 'Priya', 'Noah', 'Chloe', 'Kenji',
  'Zara', 'Diego', 'Hana', 'Elijah', 'Amara', 'Luca', 'Nina', 'Omar', 'Grace', 'Theo',
  'Ines', 'Malik', 'Yuna', 'Sam', 'Freya', 'Ravi', 'Lena', 'Marcus', 'Ava', 'Tariq',
] as const;

export const creatorLastNames = [
  'Chen', 'Rivera', 'Okafor', 'Novak', 'Patel', 'Kim', 'Garcia', 'Johnson', 'Rossi', 'Nakamura',
  'Haddad', 'Silva', 'Müller', 'Brooks', 'Mensah', 'Kowalski', 'Reyes', 'Singh', 'Dubois', 'Tanaka',
  'Adeyemi', 'Lopez', 'Park', 'Hughes', 'Costa', 'Ali', 'Jensen', 'Moreau', 'Bianchi', 'Nguyen',
] as const;
