package main

// searchField is the Query field of full-text search (issue 11, section 1).
const searchField = `  """Nodes whose names match the text, best first (ties by ID): Chinese (any run of two or more characters of nameZh), English words of name (any case; a word prefix; one typo in words of four or more letters), the pinyin of nameZh with or without spaces and tones (beijing kexue, beijingkexuezhongxin, běijīng) or its initials (bjkxzx), with the apostrophe between syllables typed or not (Dong'e, Dong’e, donge and dong e find 东阿县 Dong'e County), and any mix (北京 kexue); traditional characters are folded to simplified ones in the text and in nameZh (OpenCC's t2s tables: 重慶科技館 finds 重庆科技馆 and a name written 重慶 is found by 重庆 and by the pinyin of its words, chongqing); old English spellings of places (Peking, Canton, Amoy, Urumchi, Tsinghua) also match as their pinyin, ranked below the text as typed. A term that does not match as typed may match through a standard short form or a province name written out (中国科技馆 and zhongguokejiguan find 中国科学技术馆, 安徽科技馆 finds 安徽省科学技术馆), ranked below literal matches. Every term must match. labels keeps nodes of those labels (left out: every label; an empty list: BAD_USER_INPUT). first is 0 (only totalCount and pageInfo) to the maximum page size (--max-page-size, 100 unless the server sets another; without first, that many; outside: BAD_USER_INPUT); pass pageInfo.endCursor as after for the next page, with the same text and labels (a cursor of another search: BAD_USER_INPUT). Every node the text could match is ranked: totalCount is the number of matching nodes and the page the best of them all, the same on every backend. BAD_USER_INPUT for a text without a term of two or more letters or characters, longer than 200 characters, or with more than 16 terms, and for a text too broad to rank: one whose full-text index query (a superset of its matches) matches more than 100,000 nodes (only on a graph of more nodes than that; add a word or labels)."""
  search(text: String!, labels: [NodeLabel!], first: Int, after: String): SearchConnection!`

// searchSchema holds the types of the search field.
const searchSchema = `"""A page of search results, best first."""
type SearchConnection {
  edges: [SearchEdge!]!
  "The nodes of the edges, in order."
  nodes: [Node!]!
  pageInfo: PageInfo!
  "The number of matching nodes in all (exact: every candidate is ranked)."
  totalCount: Int!
}

"""One search result."""
type SearchEdge {
  "Opaque position of the result, for after."
  cursor: String!
  "Relevance in (0, 1.5]: the mean weight of the terms (an exact word, whole pinyin syllables or a Chinese substring 1, a prefix 0.8, initials 0.6, one typo 0.5) plus half the share of the name they cover."
  score: Float!
  node: Node!
}
`
