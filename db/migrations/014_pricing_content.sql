-- Up Migration
-- The content-generation workflow writes scripts that creators read out on a stream. The
-- content.requested event names the product, not the stream, so a script is a kind of its
-- own, about a product (content.create_draft requires its productId).
ALTER TABLE content_items DROP CONSTRAINT content_items_kind_check;
ALTER TABLE content_items ADD CONSTRAINT content_items_kind_check
  CHECK (kind IN ('stream_teaser', 'product_description', 'social_post', 'stream_script'));

-- Down Migration
ALTER TABLE content_items DROP CONSTRAINT content_items_kind_check;
ALTER TABLE content_items ADD CONSTRAINT content_items_kind_check
  CHECK (kind IN ('stream_teaser', 'product_description', 'social_post'));
