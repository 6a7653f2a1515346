import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** What content we write; the database checks the same lists (db/migrations/007_tools.sql). */
export const contentKinds = ['stream_teaser', 'product_description', 'social_post', 'stream_script'] as const;
export type ContentKind = (typeof contentKinds)[number];
export const contentStatuses = ['draft', 'published', 'discarded'] as const;
export type ContentStatus = (typeof contentStatuses)[number];

export const contentItemRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  kind: z.enum(contentKinds),
  product_id: z.string().uuid().nullable(),
  stream_id: z.string().uuid().nullable(),
  title: z.string(),
  body: z.string(),
  status: z.enum(contentStatuses),
  quality_score: z.number().nullable(),
  created_by: z.string(),
  created_at: z.date(),
  published_at: z.date().nullable(),
  published_by: z.string().nullable(),
});
export type ContentItemRow = z.infer<typeof contentItemRow>;

const columns = sql.fragment`id, org_unit_id, kind, product_id, stream_id, title, body, status, quality_score,
  created_by, created_at, published_at, published_by`;

export type NewContentItem = {
  orgUnitId: string;
  kind: ContentKind;
  title: string;
  body: string;
  productId: string | null;
  streamId: string | null;
  qualityScore: number | null;
  by: string;
  at: Date;
};

export async function insertContentDraft(db: CommonQueryMethods, args: NewContentItem): Promise<ContentItemRow> {
  return db.one(sql.type(contentItemRow)`
    INSERT INTO content_items (org_unit_id, kind, product_id, stream_id, title, body, quality_score, created_by, created_at)
    VALUES (${args.orgUnitId}, ${args.kind}, ${args.productId}, ${args.streamId}, ${args.title}, ${args.body},
            ${args.qualityScore}, ${args.by}, ${sql.timestamp(args.at)})
    RETURNING ${columns}`);
}

export async function findContentItem(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<ContentItemRow | null> {
  return db.maybeOne(sql.type(contentItemRow)`
    SELECT ${columns} FROM content_items WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** draft → published. Null when the item is missing or no longer a draft. */
export async function publishContentDraft(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; by: string; at: Date },
): Promise<ContentItemRow | null> {
  return db.maybeOne(sql.type(contentItemRow)`
    UPDATE content_items
       SET status = 'published', published_at = ${sql.timestamp(args.at)}, published_by = ${args.by}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'draft'
    RETURNING ${columns}`);
}
