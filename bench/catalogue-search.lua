-- wrk script for bench/catalogue.sh: cycles full-text queries over the knowledge base, Dutch
-- and English, single words, two-word AND queries, prefixes, and a few with filters, so that
-- no one posting list or cached page decides the figures.
local queries = {
  "q=luchtkwaliteit", "q=air+quality", "q=sensoren", "q=noise", "q=participatie", "q=lucht",
  "q=energy+network", "q=klimaatadaptatie&language=nl", "q=funding&kind=funding-scheme", "q=wijk+bewoners",
  "q=privacy+algorithm", "q=zwerfafval", "q=city+centre+liveliness", "q=subsidie&sort=-date",
  "q=mobiliteit+fiets", "q=solar", "q=opschaling&theme=scaling", "q=heat&sort=deadline",
  "q=dashboard&pageSize=50", "q=warmtenet",
}
local counter = 0

function init(args)
  counter = math.random(#queries)
end

function request()
  counter = counter % #queries + 1
  return wrk.format("GET", "/api/knowledge/v1/entries?" .. queries[counter])
end
