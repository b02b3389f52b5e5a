-- DropIndex
DROP INDEX "GraphEdge_machineId_idx";

-- DropIndex
DROP INDEX "GraphNode_machineId_idx";

-- CreateTable
CREATE TABLE "GraphVersion" (
    "machineId" TEXT NOT NULL,
    "version" BIGINT NOT NULL,

    CONSTRAINT "GraphVersion_pkey" PRIMARY KEY ("machineId")
);

-- CreateIndex
CREATE INDEX "GraphEdge_machineId_seq_idx" ON "GraphEdge"("machineId", "seq");

-- CreateIndex
CREATE INDEX "GraphNode_machineId_seq_idx" ON "GraphNode"("machineId", "seq");

-- Every graph write gives its machine a new version, in the writer's transaction (docs/database.md
-- "The graph answer cache"). Values come from one sequence, so a version never repeats, even for a
-- machine whose row was deleted and written again: a cached answer labelled with a version is the
-- graph of every snapshot that reads that version.
CREATE SEQUENCE "GraphVersion_version_seq" AS BIGINT;

-- New versions for the given machines, their rows locked in machineId order, so two statements
-- that touch several machines cannot deadlock on them.
CREATE OR REPLACE FUNCTION "mm_graph_version_touch"(ids TEXT[]) RETURNS void AS $$
  INSERT INTO "GraphVersion" ("machineId", "version")
  SELECT m, nextval('"GraphVersion_version_seq"') FROM (SELECT DISTINCT m FROM unnest(ids) AS m) AS d ORDER BY m
  ON CONFLICT ("machineId") DO UPDATE SET "version" = EXCLUDED."version";
$$ LANGUAGE sql;

-- Statement triggers with transition tables: one bump per machine per statement, however many rows
-- it wrote, cascaded deletes (a node's edges, through the foreign key) included. A trigger with
-- transition tables serves one event, hence one trigger per event.
CREATE OR REPLACE FUNCTION "mm_graph_version_bump"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "mm_graph_version_touch"(ARRAY(SELECT "machineId" FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "mm_graph_version_touch"(ARRAY(SELECT "machineId" FROM old_rows UNION SELECT "machineId" FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "mm_graph_version_touch"(ARRAY(SELECT "machineId" FROM old_rows));
  ELSE
    -- TRUNCATE: every machine's graph may have changed.
    UPDATE "GraphVersion" SET "version" = nextval('"GraphVersion_version_seq"');
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "GraphNode_version_insert" AFTER INSERT ON "GraphNode"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();
CREATE TRIGGER "GraphNode_version_update" AFTER UPDATE ON "GraphNode"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();
CREATE TRIGGER "GraphNode_version_delete" AFTER DELETE ON "GraphNode"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();
CREATE TRIGGER "GraphNode_version_truncate" AFTER TRUNCATE ON "GraphNode"
  FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();
CREATE TRIGGER "GraphEdge_version_insert" AFTER INSERT ON "GraphEdge"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();
CREATE TRIGGER "GraphEdge_version_update" AFTER UPDATE ON "GraphEdge"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();
CREATE TRIGGER "GraphEdge_version_delete" AFTER DELETE ON "GraphEdge"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();
CREATE TRIGGER "GraphEdge_version_truncate" AFTER TRUNCATE ON "GraphEdge"
  FOR EACH STATEMENT EXECUTE FUNCTION "mm_graph_version_bump"();

-- Machines that already have a graph.
SELECT "mm_graph_version_touch"(ARRAY(SELECT "machineId" FROM "GraphNode" UNION SELECT "machineId" FROM "GraphEdge"));
