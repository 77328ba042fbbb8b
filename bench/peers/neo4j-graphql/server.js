// @neo4j/graphql 7 over the Neo4j database that kepugraph uses, served by
// Apollo Server 5 (standalone, node:http). The type definitions cover what
// the benchmark queries ask for (queries/): museums, schools and the places
// above them, the PARTNERS_WITH relationship, and a museum's province and a
// school's county, found as kepugraph finds them (LOCATED_IN, then PART_OF
// upwards) with @cypher fields. No authorization, no introspection, no
// subscriptions; the library's production defaults otherwise.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=... PORT=18098 node server.js
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

// The walk kepugraph's store makes for a node's place (neo4jstore Locate).
const up = "MATCH (this)-[:LOCATED_IN|PART_OF*0..3]->";

export const typeDefs = /* GraphQL */ `
  type Province @node(labels: ["Province", "KG"]) {
    id: ID!
    name: String
    nameZh: String
    code: String
  }

  type County @node(labels: ["County", "KG"]) {
    id: ID!
    name: String
    nameZh: String
  }

  type Museum @node(labels: ["Museum", "KG"]) {
    id: ID!
    name: String
    nameZh: String
    kind: String
    province: Province @cypher(statement: "${up}(p:Province) RETURN p", columnName: "p")
    provinceCode: String @cypher(statement: "${up}(p:Province) RETURN p.code AS code", columnName: "code")
    schoolPartners: [School!]! @relationship(type: "PARTNERS_WITH", direction: OUT)
  }

  type School @node(labels: ["School", "KG"]) {
    id: ID!
    name: String
    nameZh: String
    county: County @cypher(statement: "${up}(c:County) RETURN c", columnName: "c")
  }
`;

const driver = neo4j.driver(
  process.env.NEO4J_URI || "bolt://127.0.0.1:7687",
  neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD || "kepugraph-test"),
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema, introspection: false });
const port = Number(process.env.PORT || 18098);
const { url } = await startStandaloneServer(server, {
  listen: { host: process.env.HOST || "127.0.0.1", port },
  context: async () => ({ sessionConfig: { database: process.env.NEO4J_DATABASE || "neo4j" } }),
});
console.error(`@neo4j/graphql pid ${process.pid} listening on ${url}`);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
