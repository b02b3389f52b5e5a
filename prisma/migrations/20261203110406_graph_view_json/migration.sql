-- AlterTable
ALTER TABLE "GraphEdge" ADD COLUMN     "viewJson" TEXT;

-- AlterTable
ALTER TABLE "GraphNode" ADD COLUMN     "viewJson" TEXT;

-- Each row's view (nodeView / edgeView: same fields, same order, `label` left out when unset,
-- timestamps as toISOString() writes them) as JSON text, set before every insert and update, so
-- GET graph only concatenates (docs/database.md "JSON built in the database").
CREATE OR REPLACE FUNCTION "mm_graph_node_view_json"() RETURNS trigger AS $$
BEGIN
  NEW."viewJson" := json_build_object('id', NEW."id", 'machineId', NEW."machineId", 'type', NEW."type",
    'refId', NEW."refId", 'title', NEW."title", 'status', NEW."status",
    'position', json_build_object('x', NEW."positionX", 'y', NEW."positionY"), 'data', NEW."data",
    'version', NEW."version",
    'createdAt', to_char(NEW."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updatedAt', to_char(NEW."updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION "mm_graph_edge_view_json"() RETURNS trigger AS $$
BEGIN
  IF NEW."label" IS NULL THEN
    NEW."viewJson" := json_build_object('id', NEW."id", 'machineId', NEW."machineId",
      'sourceNodeId', NEW."sourceNodeId", 'targetNodeId', NEW."targetNodeId", 'type', NEW."type",
      'data', NEW."data", 'version', NEW."version",
      'createdAt', to_char(NEW."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'updatedAt', to_char(NEW."updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text;
  ELSE
    NEW."viewJson" := json_build_object('id', NEW."id", 'machineId', NEW."machineId",
      'sourceNodeId', NEW."sourceNodeId", 'targetNodeId', NEW."targetNodeId", 'type', NEW."type",
      'label', NEW."label", 'data', NEW."data", 'version', NEW."version",
      'createdAt', to_char(NEW."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'updatedAt', to_char(NEW."updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "GraphNode_view_json" BEFORE INSERT OR UPDATE ON "GraphNode"
  FOR EACH ROW EXECUTE FUNCTION "mm_graph_node_view_json"();
CREATE TRIGGER "GraphEdge_view_json" BEFORE INSERT OR UPDATE ON "GraphEdge"
  FOR EACH ROW EXECUTE FUNCTION "mm_graph_edge_view_json"();

-- Existing rows: an update that changes nothing runs the trigger.
UPDATE "GraphNode" SET "id" = "id";
UPDATE "GraphEdge" SET "id" = "id";
