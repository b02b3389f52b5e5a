-- CreateTable
CREATE TABLE "CatalogueVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "CatalogueVersion_pkey" PRIMARY KEY ("id")
);

-- The one row, and the trigger that bumps it in the writer's transaction (docs/api.md "Discovery at
-- catalogue scale"). A statement trigger: a bulk load bumps it once.
INSERT INTO "CatalogueVersion" ("id", "version") VALUES (1, 0) ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION "mm_catalogue_bump"() RETURNS trigger AS $$
BEGIN
  INSERT INTO "CatalogueVersion" ("id", "version") VALUES (1, 1)
  ON CONFLICT ("id") DO UPDATE SET "version" = "CatalogueVersion"."version" + 1;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "MarketService_bump_catalogue_version"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "MarketService"
  FOR EACH STATEMENT EXECUTE FUNCTION "mm_catalogue_bump"();
