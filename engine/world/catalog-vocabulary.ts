/**
 * The words the simulated shop's catalog is built from. Price, cost and lead-time ranges
 * follow what live-shopping sellers typically carry in each category (cheap impulse beauty
 * and accessories, pricier outdoor and jewelry; overseas electronics wait longest).
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
  adjectives: readonly string[];
  nouns: readonly string[];
  /** Main material or key ingredient. */
  materials: readonly string[];
  colors: readonly string[];
  sizes: readonly string[];
  origins: readonly string[];
  highlights: readonly string[];
  /** Words creators in this niche put in their handles. */
  handleWords: readonly string[];
}>;

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
    adjectives: ['Hydrating', 'Glow', 'Velvet', 'Matte', 'Dewy', 'Brightening', 'Soothing', 'Overnight', 'Radiant', 'Plumping'],
    nouns: ['Lip Oil', 'Face Serum', 'Cleansing Balm', 'Sheet Mask Set', 'Eyeshadow Palette', 'Setting Spray', 'Brow Gel', 'Body Butter', 'Hair Mask', 'Tinted Moisturiser'],
    materials: ['hyaluronic acid', 'niacinamide', 'squalane', 'shea butter', 'vitamin C', 'ceramides', 'rosehip oil'],
    colors: ['Rose', 'Nude', 'Berry', 'Coral', 'Clear', 'Bronze', 'Peach'],
    sizes: ['15 ml', '30 ml', '50 ml', '100 ml', '200 ml'],
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
    adjectives: ['Oversized', 'Relaxed', 'Cropped', 'Classic', 'Ribbed', 'Vintage-Wash', 'Tailored', 'Everyday', 'Pleated', 'Quilted'],
    nouns: ['Wrap Dress', 'Denim Jacket', 'Linen Shirt', 'Cargo Pants', 'Knit Cardigan', 'Midi Skirt', 'Hoodie', 'Trench Coat', 'Tote Bag', 'Sneakers'],
    materials: ['organic cotton', 'linen', 'recycled polyester', 'merino wool', 'denim', 'vegan leather'],
    colors: ['Black', 'Ivory', 'Sage', 'Navy', 'Camel', 'Rust', 'Heather Grey'],
    sizes: ['XS–XL', 'S–XXL', 'one size', 'US 6–11'],
    origins: ['Portugal', 'Vietnam', 'India', 'Turkey', 'USA'],
    highlights: ['machine washable', 'true to size', 'deep pockets', 'stretch fit', 'ethically made', 'limited drop'],
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
    adjectives: ['Cozy', 'Minimalist', 'Handwoven', 'Rustic', 'Scandi', 'Boho', 'Textured', 'Modern', 'Washed', 'Sculpted'],
    nouns: ['Throw Blanket', 'Scented Candle', 'Table Lamp', 'Duvet Cover', 'Wall Mirror', 'Storage Basket', 'Planter', 'Reed Diffuser', 'Cushion Cover Set', 'Wall Clock'],
    materials: ['cotton', 'ceramic', 'rattan', 'soy wax', 'oak', 'linen', 'recycled glass'],
    colors: ['Oat', 'Charcoal', 'Terracotta', 'White', 'Olive', 'Blush'],
    sizes: ['small', 'medium', 'large', '50 × 60 in', '8 oz', '12 in'],
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
    adjectives: ['Fast-Charge', 'Slim', 'Rugged', 'Compact', 'Foldable', 'Noise-Cancelling', 'Wireless', 'Pro', 'Ultra-Light', 'Dual-Port'],
    nouns: ['Earbuds', 'Phone Case', 'Magnetic Charger', 'Power Bank', 'USB-C Hub', 'Ring Light', 'Laptop Stand', 'Bluetooth Speaker', 'Charging Cable 3-Pack', 'Phone Tripod'],
    materials: ['aluminium', 'silicone', 'TPU', 'braided nylon', 'recycled ABS'],
    colors: ['Black', 'White', 'Graphite', 'Midnight Blue', 'Sand'],
    sizes: ['10,000 mAh', '20,000 mAh', '1 m', '2 m', '6.1 in', '6.7 in', 'universal'],
    origins: ['China', 'Vietnam', 'Taiwan', 'South Korea'],
    highlights: ['USB-C', '12-month warranty', 'fast charging', 'travel friendly', 'drop tested', 'Bluetooth 5.3'],
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
    adjectives: ['Non-Slip', 'High-Waist', 'Pro-Grip', 'Weighted', 'Lightweight', 'Sweat-Wicking', 'Adjustable', 'Eco', 'Compact', 'Heavy-Duty'],
    nouns: ['Yoga Mat', 'Resistance Band Set', 'Dumbbell Pair', 'Jump Rope', 'Foam Roller', 'Leggings', 'Sports Bra', 'Water Bottle', 'Massage Gun', 'Kettlebell'],
    materials: ['natural rubber', 'TPE', 'cast iron', 'neoprene', 'stainless steel', 'recycled nylon'],
    colors: ['Black', 'Lilac', 'Ocean', 'Sage', 'Coral', 'Slate'],
    sizes: ['6 mm', '4 kg', '8 kg', '12 kg', '750 ml', 'S/M/L'],
    origins: ['China', 'Taiwan', 'USA', 'Vietnam'],
    highlights: ['non-slip grip', 'carry strap included', 'latex-free', 'BPA-free', 'home gym ready', 'sweat resistant'],
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
    adjectives: ['Non-Stick', 'Pre-Seasoned', 'Stainless', 'Gooseneck', 'Stackable', 'Professional', 'Ergonomic', 'Enamelled', 'Leak-Proof', 'Everyday'],
    nouns: ["Chef's Knife", 'Skillet', 'Pour-Over Kettle', 'Cutting Board', 'Spice Grinder', 'Meal-Prep Containers', 'Milk Frother', 'Dutch Oven', 'Salad Spinner', 'Mixing Bowl Set'],
    materials: ['stainless steel', 'cast iron', 'bamboo', 'borosilicate glass', 'acacia wood', 'food-grade silicone'],
    colors: ['Matte Black', 'Cream', 'Sage', 'Copper', 'Cherry Red'],
    sizes: ['8 in', '10 in', '1 L', '5.5 qt', 'set of 4', 'set of 10'],
    origins: ['China', 'Germany', 'Japan', 'USA', 'India'],
    highlights: ['dishwasher safe', 'oven safe to 500°F', 'induction ready', 'BPA-free', 'lifetime warranty', 'gift boxed'],
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
    adjectives: ['Musical', 'Magnetic', 'Glow-in-the-Dark', 'Interactive', 'Montessori', 'Rainbow', 'Deluxe', 'Mini', 'Classic', 'Sensory'],
    nouns: ['Building Block Set', 'Plush Bunny', 'Wooden Train Set', 'Jigsaw Puzzle', 'Robot Kit', 'Play Kitchen Set', 'Magnetic Tiles', 'Art Easel', 'Bath Toy Set', 'Card Game'],
    materials: ['FSC-certified wood', 'recycled plastic', 'organic cotton', 'ABS plastic', 'recycled cardboard'],
    colors: ['Rainbow', 'Pastel', 'Primary', 'Natural', 'Pink', 'Blue'],
    sizes: ['24 pieces', '60 pieces', '100 pieces', '1000 pieces', '30 cm'],
    origins: ['China', 'Vietnam', 'Germany', 'Indonesia'],
    highlights: ['ages 3+', 'ages 6+', 'ages 8+', 'no batteries needed', 'non-toxic paint', 'educational'],
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
    adjectives: ['Dainty', 'Chunky', 'Twisted', 'Pavé', 'Minimal', 'Heart', 'Pearl', 'Celestial', 'Hammered', 'Layered'],
    nouns: ['Hoop Earrings', 'Pendant Necklace', 'Stacking Ring', 'Tennis Bracelet', 'Charm Bracelet', 'Huggie Earrings', 'Signet Ring', 'Anklet', 'Chain Necklace', 'Ear Cuff'],
    materials: ['14k gold vermeil', 'sterling silver', '18k gold-plated brass', 'stainless steel', 'freshwater pearl'],
    colors: ['Gold', 'Silver', 'Rose Gold'],
    sizes: ['16 in chain', '18 in chain', 'adjustable', 'size 6', 'size 7', 'size 8'],
    origins: ['Thailand', 'India', 'Italy', 'USA', 'China'],
    highlights: ['hypoallergenic', 'tarnish-resistant', 'nickel-free', 'gift box included', 'waterproof', 'handmade'],
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
    adjectives: ['Calming', 'No-Pull', 'Durable', 'Self-Cleaning', 'Reflective', 'Washable', 'Interactive', 'Cozy', 'Chew-Proof', 'Portable'],
    nouns: ['Dog Bed', 'Cat Tree', 'Slow Feeder Bowl', 'Dog Harness', 'Chew Toy Pack', 'Grooming Brush', 'Cat Scratcher', 'Water Fountain', 'Treat Pouch', 'Leash'],
    materials: ['memory foam', 'recycled polyester', 'natural rubber', 'sisal', 'stainless steel', 'nylon webbing'],
    colors: ['Grey', 'Tan', 'Navy', 'Forest Green', 'Pink'],
    sizes: ['XS', 'S', 'M', 'L', 'XL', '2 L'],
    origins: ['China', 'USA', 'Vietnam', 'Mexico'],
    highlights: ['machine washable', 'vet recommended', 'non-toxic', 'chew resistant', 'easy clean', 'reflective stitching'],
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
    adjectives: ['Ultralight', 'Packable', 'Waterproof', 'Insulated', 'All-Weather', 'Trail', 'Rechargeable', 'Compact', 'Rugged', 'Windproof'],
    nouns: ['Camping Hammock', 'Tumbler', 'Daypack', 'Headlamp', 'Camp Chair', 'Sleeping Bag', 'Trekking Poles', 'Picnic Blanket', 'Solar Lantern', 'Rain Jacket'],
    materials: ['ripstop nylon', 'recycled polyester', 'stainless steel', 'aluminium', 'responsibly sourced down', 'waxed canvas'],
    colors: ['Forest', 'Slate', 'Sand', 'Blaze Orange', 'Black'],
    sizes: ['20 L', '30 L', '40 oz', '1-person', '2-person', 'one size'],
    origins: ['Vietnam', 'China', 'USA', 'Taiwan'],
    highlights: ['waterproof', 'packs small', 'lifetime warranty', 'UPF 50', 'USB rechargeable', 'lightweight'],
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
