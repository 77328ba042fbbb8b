#!/bin/sh
# Usage: U=http://127.0.0.1:26090/query bench/analytics-deadline.sh (a server on the seeded reference graph).
# Six distinct BETWEENNESS computations at once; prints status, code and seconds of each.
U=${U:-http://127.0.0.1:26090/query}
L='[COUNTY,PREFECTURE,PROVINCE,PROGRAM,FORUM,ORGANIZATION,PERSON,NORMAL_UNIVERSITY]'
for R in '[PART_OF,COVERS,LOCATED_IN,HELD_AT,PARTNERS_WITH,ORGANIZES]' '[PART_OF,COVERS,LOCATED_IN,HELD_AT,PARTNERS_WITH]' '[PART_OF,COVERS,LOCATED_IN,HELD_AT,ORGANIZES]' '[PART_OF,COVERS,LOCATED_IN,PARTNERS_WITH,ORGANIZES]' '[PART_OF,COVERS,HELD_AT,PARTNERS_WITH,ORGANIZES]' '[PART_OF,LOCATED_IN,HELD_AT,PARTNERS_WITH,ORGANIZES]'; do
  curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' -H 'Content-Type: application/json' "$U" \
    -d "{\"query\":\"{ centrality(algorithm: BETWEENNESS, labels:$L, relationships: $R, first: 1) { score } }\"}" &
done
wait
