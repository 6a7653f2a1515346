/**
 * The business events the world posts, as plain types (the server's contract,
 * server/contracts/events.ts, validates them; a test keeps the two in step).
 */
export type OrderFeatures = Readonly<Record<string, number | string | boolean>>;

export type WorldEventPayloads = {
  'order.placed': Readonly<{
    orderId: string;
    sku: string;
    quantity: number;
    unitPriceMinor: number;
    currency: string;
    customerRef: string;
    creatorHandle?: string;
    streamId?: string;
    features: OrderFeatures;
  }>;
  'order.refunded': Readonly<{ orderId: string; amountMinor: number; currency: string; reason: string }>;
  'chargeback.received': Readonly<{ orderId: string; amountMinor: number; currency: string; reason: string }>;
  'stream.started': Readonly<{ streamId: string; creatorHandle: string; title: string }>;
  'stream.ended': Readonly<{ streamId: string; creatorHandle: string; peakViewers: number }>;
  'payout.due': Readonly<{ creatorHandle: string; periodStart: string; periodEnd: string; amountMinor: number; currency: string }>;
  'content.requested': Readonly<{ sku: string; channel: 'stream_script' | 'product_page' | 'social_post'; brief: string }>;
  'metrics.snapshot': Readonly<{ revenueMinor: number; orders: number; marginPercent: number; cashMinor: number; runwayDays: number }>;
};

export type WorldEventType = keyof WorldEventPayloads;

export type WorldEvent = {
  [T in WorldEventType]: Readonly<{ type: T; idempotencyKey: string; occurredAt: string; payload: WorldEventPayloads[T] }>;
}[WorldEventType];
