/* The interactive influence map: sigma v3 (WebGL) over a graphology graph.
 *
 * Config: #influence-map-config (influence.maps.map_page_config). Data: the map JSON, once with
 * people, teams, flags and formal lines, then one relation's ties and sizing values per relation
 * (`part=relation`, cached here); a person's details when they are selected (cached too).
 * Node keys: "p<personId>" for people, "t<teamId>" for team aggregates (organisation map).
 * Names only reach the page through textContent and canvas text, never innerHTML.
 * window.influenceMap = {sigma, graph, relation, firstFrameAt, select, nodeViewportPosition,
 * expandTeam} is what the browser tests and the benchmark drive.
 */
(function () {
  "use strict";

  // One mark per flag kind: colour, dash pattern, double ring. The legend draws the same marks.
  var FLAG_STYLES = {
    informal_decision_maker: { colour: "#d95f02", dash: [], width: 2.5 },
    bypassed_lead: { colour: "#7570b3", dash: [], width: 1.5, double: true },
    silent_member: { colour: "#1f78b4", dash: [2, 3], width: 2.5 },
    hidden_workload: { colour: "#1b9e77", dash: [6, 3], width: 2.5 },
    broker: { colour: "#e7298a", dash: [8, 3, 2, 3], width: 2.5 },
  };
  var OTHER_FLAG_STYLE = { colour: "#8c6d31", dash: [4, 2], width: 2 };
  var PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
    "#9c755f", "#ff9da7", "#e15759", "#86bcb6", "#8cd17d", "#a0cbe8",
  ];
  var OUTSIDE_COLOUR = "#bdbdbd";
  var DIMMED_COLOUR = "#e3e3e3";
  // Solid colours: sigma's edge programs blend translucent ones to near nothing on white.
  var TIE_COLOUR = "#b4b4b4";
  var TIE_SELECTED_COLOUR = "#333333";
  var FORMAL_COLOUR = "#111111";
  var TEAM_TIE_COLOUR = "#c4c4c4";
  var MIN_SIZE = 3.5;
  var MAX_SIZE = 14;
  var COLLAPSE_RATIO = 1.6; // zoomed out beyond this, the organisation map folds teams back
  var LEGEND_COLOURS = 12;
  // Above this many people of its own, a team's map starts folded into sub-teams as well.
  var AGGREGATE_ABOVE = 800;

  var state = null;

  function start() {
    var container = document.getElementById("influence-map");
    var configNode = document.getElementById("influence-map-config");
    if (!container || !configNode || state) return;
    var config = JSON.parse(configNode.textContent);
    state = {
      config: config,
      isOrg: config.kind === "organization",
      aggregate: false, // teams drawn as one node each until expanded (set in buildGraph)
      refreshPending: false,
      container: container,
      panel: document.getElementById("map-panel"),
      relation: config.relation,
      size: "in_degree",
      colour: "team",
      formal: false,
      parts: new Map(),
      personCache: new Map(),
      metricIndex: new Map(),
      tieCount: new Map(),
      flagsOf: new Map(),
      expanded: new Set(),
      selected: null,
      neighbours: new Set(),
      searchIndex: new Map(),
    };
    window.influenceMap = {
      sigma: null,
      graph: null,
      relation: state.relation,
      firstFrameAt: null,
      select: select,
      nodeViewportPosition: nodeViewportPosition,
      expandTeam: expandTeam,
    };
    readControls();
    // Ask for the data first: the request runs while the WebGL check and set-up happen.
    var loading = fetchJson(dataUrl(state.relation, false));
    if (!webglAvailable() || typeof Sigma === "undefined" || typeof graphology === "undefined") {
      loading.catch(function () {}); // nothing to draw it with: the message below says why
      showMessage(
        "The map needs WebGL, which this browser has switched off or does not offer. " +
          "The rest of this page shows the results without the map.",
        "error"
      );
      return;
    }
    loading.then(draw).catch(function (error) {
      showMessage(error.message || "The map could not be loaded.", "error");
    });
  }

  // --- data ---------------------------------------------------------------------------------

  function dataUrl(relation, relationOnly) {
    var url = new URL(state.config.data_url, window.location.href);
    url.searchParams.set("relation", relation);
    if (relationOnly) url.searchParams.set("part", "relation");
    return url.toString();
  }

  function personUrl(personId) {
    return state.config.person_url.replace(state.config.person_placeholder, String(personId));
  }

  function fetchJson(url) {
    // No extra headers: the request must match the page's <link rel=preload> to reuse it.
    return fetch(url, { credentials: "same-origin" }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (!response.ok) {
              throw new Error(body.error || "The map could not be loaded (" + response.status + ").");
            }
            return body;
          });
      }
    );
  }

  function webglAvailable() {
    try {
      var canvas = document.createElement("canvas");
      var gl = canvas.getContext("webgl2") || canvas.getContext("webgl");
      if (!gl) return false;
      var lose = gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext(); // give the context back: browsers allow only a few
      return true;
    } catch (error) {
      return false;
    }
  }

  function showMessage(text, dataState) {
    var message = document.createElement("p");
    message.className = "map-message";
    message.textContent = text;
    state.container.replaceChildren(message);
    state.container.dataset.state = dataState;
  }

  // --- drawing ------------------------------------------------------------------------------

  function draw(data) {
    mark("map:data");
    if (data.withheld) {
      showMessage(data.reason, "withheld");
      return;
    }
    state.base = data;
    state.parts.set(data.relation, data);
    var graph = buildGraph(data);
    state.graph = graph;
    useRelationData(data, false);
    mark("map:graph");
    state.container.replaceChildren();
    var sigma;
    try {
      sigma = new Sigma(graph, state.container, sigmaSettings());
    } catch (error) {
      showMessage("The map could not be drawn here: " + error.message, "error");
      return;
    }
    mark("map:sigma");
    state.sigma = sigma;
    window.influenceMap.sigma = sigma;
    window.influenceMap.graph = graph;
    state.flagCanvas = sigma.createCanvas("flags", {
      afterLayer: "nodes",
      style: { pointerEvents: "none", width: "100%", height: "100%" },
    });
    sigma.on("afterRender", drawFlagRings);
    bindSigmaEvents(sigma);
    bindControls();
    fillSearch(data);
    fillLegend(data);
    drawFlagRings();
    // The constructor has drawn the first frame synchronously.
    if (sigma.getGraph().order > 0) {
      window.influenceMap.firstFrameAt = performance.now();
      state.container.dataset.state = "ready";
    } else {
      showMessage("Nobody is on this map yet.", "ready");
    }
  }

  // Marks for the benchmark: data in, graph built, first frame drawn by sigma.
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  function sigmaSettings() {
    return {
      nodeReducer: nodeReducer,
      edgeReducer: edgeReducer,
      renderEdgeLabels: false,
      enableEdgeEvents: false,
      hideEdgesOnMove: state.graph.size > 20000,
      labelRenderedSizeThreshold: 7,
      labelDensity: 0.6,
      labelFont: "system-ui, -apple-system, 'Segoe UI', sans-serif",
      zIndex: true,
      minCameraRatio: 0.01,
      maxCameraRatio: 6,
      stagePadding: 24,
    };
  }

  function buildGraph(data) {
    var graph = new graphology.MultiDirectedGraph();
    var people = data.people;
    var teams = data.teams;
    state.teamIndex = new Map();
    teams.id.forEach(function (id, i) {
      state.teamIndex.set(id, i);
    });
    for (var i = 0; i < people.id.length; i++) {
      var outside = Boolean(people.outside && people.outside[i]);
      var teamName = teams.name[state.teamIndex.get(people.team[i])];
      graph.addNode("p" + people.id[i], {
        x: people.x[i],
        y: people.y[i],
        size: MIN_SIZE,
        color: OUTSIDE_COLOUR,
        label: outside ? people.name[i] + " (" + teamName + ")" : people.name[i],
        nodeKind: "person",
        personId: people.id[i],
        name: people.name[i],
        teamId: people.team[i],
        teamName: teamName,
        community: people.community[i],
        outside: outside,
      });
    }
    state.teamColour = teamColours(graph);
    var own = people.outside ? people.outside.filter(function (o) { return !o; }).length : people.id.length;
    state.aggregate = state.isOrg || own > AGGREGATE_ABOVE;
    if (state.aggregate) addTeamNodes(graph, data);
    state.flagKinds = data.flag_kinds;
    for (var f = 0; f < data.flags.length; f += 2) {
      var kinds = state.flagsOf.get(data.flags[f]) || [];
      kinds.push(data.flag_kinds[data.flags[f + 1]][0]);
      state.flagsOf.set(data.flags[f], kinds);
    }
    return graph;
  }

  // One node per team at the centroid of its members, sized by head-count (the map's own
  // people only: other teams' people on a team map stay single).
  function addTeamNodes(graph, data) {
    var teams = data.teams;
    var members = new Map();
    var communities = new Map();
    graph.forEachNode(function (key, attrs) {
      if (attrs.outside) return;
      members.set(attrs.teamId, (members.get(attrs.teamId) || 0) + 1);
      var counts = communities.get(attrs.teamId) || new Map();
      counts.set(attrs.community, (counts.get(attrs.community) || 0) + 1);
      communities.set(attrs.teamId, counts);
    });
    var largest = Math.max.apply(null, Array.from(members.values()).concat([1]));
    // Many teams share the same square: smaller circles, so that they do not cover each other.
    var biggest = Math.max(6, Math.min(18, 260 / Math.sqrt(Math.max(members.size, 1))));
    teams.id.forEach(function (id, i) {
      var headCount = members.get(id);
      if (!headCount) return;
      graph.addNode("t" + id, {
        x: teams.x[i],
        y: teams.y[i],
        size: 3 + (biggest - 3) * Math.sqrt(headCount / largest),
        color: PALETTE[(state.teamColour.get(id) || 0) % PALETTE.length],
        label: teams.name[i] + " (" + headCount + ")",
        nodeKind: "team",
        teamId: id,
        teamName: teams.name[i],
        headCount: headCount,
        community: mostCommon(communities.get(id)),
        zIndex: 1,
      });
    });
    var collapse = document.getElementById("map-collapse");
    if (collapse) collapse.hidden = false;
    var explain = document.getElementById("map-legend-teams");
    if (explain) explain.hidden = false;
  }

  function mostCommon(counts) {
    var best = 0;
    var bestCount = -1;
    (counts || new Map()).forEach(function (n, value) {
      if (n > bestCount) {
        best = value;
        bestCount = n;
      }
    });
    return best;
  }

  function useRelationData(part, refresh) {
    state.part = part;
    state.metricIndex = new Map();
    part.metrics.person.forEach(function (id, i) {
      state.metricIndex.set(id, i);
    });
    rebuildEdges(part);
    applyAppearance();
    if (refresh) refreshNow();
  }

  function rebuildEdges(part) {
    var graph = state.graph;
    graph.clearEdges();
    state.tieCount = new Map();
    var edges = part.edges;
    for (var i = 0; i < edges.length; i += 3) {
      var source = "p" + edges[i];
      var target = "p" + edges[i + 1];
      if (source === target || !graph.hasNode(source) || !graph.hasNode(target)) continue;
      graph.addDirectedEdgeWithKey("e" + edges[i] + "-" + edges[i + 1], source, target, {
        edgeKind: "tie",
        size: Math.min(0.5 + 0.4 * edges[i + 2], 3),
        color: TIE_COLOUR,
        type: "arrow",
        zIndex: 0,
      });
      state.tieCount.set(source, (state.tieCount.get(source) || 0) + 1);
      state.tieCount.set(target, (state.tieCount.get(target) || 0) + 1);
    }
    addFormalLines(graph, state.base.formal);
    if (state.aggregate) addTeamTies(graph, part.team_edges || []);
  }

  function addFormalLines(graph, formal) {
    for (var i = 0; i < formal.length; i += 2) {
      var manager = "p" + formal[i];
      var report = "p" + formal[i + 1];
      if (!graph.hasNode(manager) || !graph.hasNode(report)) continue;
      graph.addDirectedEdgeWithKey("f" + formal[i] + "-" + formal[i + 1], manager, report, {
        edgeKind: "formal",
        size: 1.8,
        color: FORMAL_COLOUR,
        type: "line",
        zIndex: 1,
      });
    }
  }

  function addTeamTies(graph, teamEdges) {
    for (var i = 0; i < teamEdges.length; i += 3) {
      var a = "t" + teamEdges[i];
      var b = "t" + teamEdges[i + 1];
      if (!graph.hasNode(a) || !graph.hasNode(b)) continue;
      graph.addDirectedEdgeWithKey("g" + teamEdges[i] + "-" + teamEdges[i + 1], a, b, {
        edgeKind: "team",
        teams: [teamEdges[i], teamEdges[i + 1]],
        ties: teamEdges[i + 2],
        size: Math.min(0.6 + Math.log2(1 + teamEdges[i + 2]), 6),
        color: TEAM_TIE_COLOUR,
        type: "line",
        zIndex: 0,
      });
    }
  }

  // Size by the chosen measure and colour by team or community: stored on the nodes, so that
  // the reducers, which run on every refresh, only decide visibility and selection.
  function applyAppearance() {
    var values = state.size === "none" ? null : state.part.metrics[state.size];
    var top = 1;
    if (values) {
      for (var i = 0; i < values.length; i++) if (values[i] > top) top = values[i];
    }
    state.graph.updateEachNodeAttributes(
      function (key, attrs) {
        if (attrs.nodeKind === "team") {
          attrs.color = colourOf(attrs);
          return attrs;
        }
        if (attrs.outside) {
          attrs.size = MIN_SIZE;
          attrs.color = OUTSIDE_COLOUR;
          return attrs;
        }
        var index = state.metricIndex.get(attrs.personId);
        var value = values && index !== undefined ? values[index] : 0;
        attrs.size = values ? MIN_SIZE + (MAX_SIZE - MIN_SIZE) * Math.sqrt(value / top) : 6;
        attrs.color = colourOf(attrs);
        return attrs;
      },
      { attributes: ["size", "color"] }
    );
  }

  // Palette slots by head-count on the map, so that the biggest teams never share a colour.
  function teamColours(graph) {
    var counts = new Map();
    graph.forEachNode(function (key, attrs) {
      if (!attrs.outside) counts.set(attrs.teamId, (counts.get(attrs.teamId) || 0) + 1);
    });
    var order = Array.from(counts.keys()).sort(function (a, b) {
      return counts.get(b) - counts.get(a) || a - b;
    });
    var slots = new Map();
    order.forEach(function (teamId, i) {
      slots.set(teamId, i);
    });
    return slots;
  }

  function colourOf(attrs) {
    var index = state.colour === "community" ? attrs.community : state.teamColour.get(attrs.teamId);
    return PALETTE[Math.abs(index || 0) % PALETTE.length];
  }

  function nodeReducer(key, attrs) {
    var out = Object.assign({}, attrs);
    if (attrs.nodeKind === "team") {
      if (state.expanded.has(attrs.teamId)) {
        // Keeps the team's name and its ties to folded teams; its people are drawn around it.
        out.size = 3;
        out.color = "#9e9e9e";
      }
    } else if (state.aggregate && !attrs.outside && !state.expanded.has(attrs.teamId)) {
      out.hidden = true;
    } else if (attrs.outside && !state.tieCount.get(key) && key !== state.selected) {
      out.hidden = true; // tied to the team in another relation only
    }
    if (state.selected) {
      if (key === state.selected) {
        out.highlighted = true;
        out.forceLabel = true;
        out.zIndex = 3;
      } else if (state.neighbours.has(key)) {
        out.forceLabel = true;
        out.zIndex = 2;
      } else if (attrs.nodeKind !== "team") {
        out.color = DIMMED_COLOUR;
        out.zIndex = 0;
      }
    }
    return out;
  }

  function edgeReducer(key, attrs) {
    var out = Object.assign({}, attrs);
    if (attrs.edgeKind === "formal") {
      out.hidden = !state.formal;
      if (state.selected && !touches(key, state.selected)) out.color = DIMMED_COLOUR;
    } else if (attrs.edgeKind === "team") {
      out.hidden = state.expanded.has(attrs.teams[0]) && state.expanded.has(attrs.teams[1]);
    } else if (state.selected) {
      if (touches(key, state.selected)) {
        out.color = TIE_SELECTED_COLOUR;
        out.zIndex = 2;
      } else {
        out.hidden = true;
      }
    }
    return out;
  }

  function touches(edgeKey, nodeKey) {
    var ends = state.graph.extremities(edgeKey);
    return ends[0] === nodeKey || ends[1] === nodeKey;
  }

  function drawFlagRings() {
    var sigma = state.sigma;
    var canvas = state.flagCanvas;
    if (!sigma || !canvas) return;
    var dims = sigma.getDimensions();
    var ratio = window.devicePixelRatio || 1;
    var width = Math.round(dims.width * ratio);
    var height = Math.round(dims.height * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    var context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, dims.width, dims.height);
    state.flagsOf.forEach(function (kinds, personId) {
      var data = sigma.getNodeDisplayData("p" + personId);
      if (!data || data.hidden) return;
      var at = sigma.framedGraphToViewport(data);
      var radius = sigma.scaleSize(data.size) + 2.5;
      if (at.x < -radius - 30 || at.y < -radius - 30) return;
      if (at.x > dims.width + radius + 30 || at.y > dims.height + radius + 30) return;
      kinds.forEach(function (kind) {
        var style = flagStyle(kind);
        strokeRing(context, at.x, at.y, radius, style);
        radius += style.width * (style.double ? 3 : 1) + 2;
      });
    });
  }

  function flagStyle(kind) {
    return FLAG_STYLES[kind] || OTHER_FLAG_STYLE;
  }

  function strokeRing(context, x, y, radius, style) {
    context.setLineDash(style.dash);
    context.lineWidth = style.width;
    context.strokeStyle = style.colour;
    context.beginPath();
    context.arc(x, y, radius, 0, 2 * Math.PI);
    context.stroke();
    if (style.double) {
      context.beginPath();
      context.arc(x, y, radius + style.width * 2, 0, 2 * Math.PI);
      context.stroke();
    }
    context.setLineDash([]);
  }

  // --- interaction --------------------------------------------------------------------------

  function bindSigmaEvents(sigma) {
    sigma.on("clickNode", function (event) {
      var attrs = state.graph.getNodeAttributes(event.node);
      if (attrs.nodeKind === "team") {
        toggleTeam(attrs.teamId, event.node);
      } else {
        select(attrs.personId);
      }
    });
    sigma.on("clickStage", function () {
      if (state.selected) clearSelection();
    });
    sigma.on("enterNode", function () {
      state.container.style.cursor = "pointer";
    });
    sigma.on("leaveNode", function () {
      state.container.style.cursor = "";
    });
    if (state.aggregate) {
      sigma.getCamera().on("updated", function (camera) {
        if (camera.ratio > COLLAPSE_RATIO && state.expanded.size) collapseAll();
      });
    }
  }

  function toggleTeam(teamId, nodeKey) {
    if (state.expanded.has(teamId)) {
      state.expanded.delete(teamId);
      if (state.selected && state.graph.getNodeAttribute(state.selected, "teamId") === teamId) {
        clearSelection();
      }
      requestRefresh();
      return;
    }
    expandTeam(teamId);
    // A click (not the API) also zooms towards the team, so that its people can be told apart.
    var data = state.sigma.getNodeDisplayData(nodeKey);
    var camera = state.sigma.getCamera();
    if (data && camera.ratio > 0.35) {
      camera.animate({ x: data.x, y: data.y, ratio: 0.35 }, { duration: 400 });
    }
  }

  function expandTeam(teamId) {
    if (!state || !state.aggregate || !state.graph || !state.graph.hasNode("t" + teamId)) {
      return false;
    }
    state.expanded.add(teamId);
    requestRefresh(); // batched: expanding many teams in a row redraws once
    return true;
  }

  function collapseAll() {
    state.expanded.clear();
    if (state.selected) clearSelection();
    else requestRefresh();
  }

  function requestRefresh() {
    if (!state.sigma || state.refreshPending) return;
    state.refreshPending = true;
    window.requestAnimationFrame(function () {
      if (state.refreshPending) refreshNow();
    });
  }

  function refreshNow() {
    state.refreshPending = false;
    if (state.sigma) state.sigma.refresh();
  }

  function nodeViewportPosition(nodeKey) {
    if (!state || !state.sigma) return null;
    if (state.refreshPending) refreshNow(); // positions as they will be drawn
    var data = state.sigma.getNodeDisplayData(nodeKey);
    if (!data || data.hidden) return null;
    var at = state.sigma.framedGraphToViewport(data);
    return { x: at.x, y: at.y };
  }

  function select(personId) {
    if (!state || !state.graph) return false;
    var key = "p" + personId;
    if (!state.graph.hasNode(key)) return false;
    var attrs = state.graph.getNodeAttributes(key);
    if (state.aggregate && !attrs.outside) state.expanded.add(attrs.teamId);
    state.selected = key;
    state.neighbours = new Set(state.graph.neighbors(key));
    refreshNow();
    openPanel(key, attrs);
    return true;
  }

  function clearSelection() {
    state.selected = null;
    state.neighbours = new Set();
    requestRefresh();
    var hint = element("p", "Click a person on the map, or find them by name, to see details.");
    hint.className = "muted";
    state.panel.replaceChildren(hint);
  }

  function readControls() {
    var relation = document.getElementById("map-relation");
    var size = document.getElementById("map-size");
    var colour = document.getElementById("map-colour");
    var formal = document.getElementById("map-formal");
    if (relation && relation.value) state.relation = relation.value;
    if (size && size.value) state.size = size.value;
    if (colour && colour.value) state.colour = colour.value;
    if (formal) state.formal = formal.checked;
    window.influenceMap.relation = state.relation;
  }

  function bindControls() {
    on("map-relation", "change", function (event) {
      setRelation(event.target.value);
    });
    on("map-size", "change", function (event) {
      state.size = event.target.value;
      applyAppearance();
      requestRefresh();
    });
    on("map-colour", "change", function (event) {
      state.colour = event.target.value;
      applyAppearance();
      requestRefresh();
      fillColourLegend();
    });
    on("map-formal", "change", function (event) {
      state.formal = event.target.checked;
      requestRefresh();
    });
    on("map-collapse", "click", collapseAll);
    on("map-search", "input", function (event) {
      var id = state.searchIndex.get(event.target.value);
      if (id !== undefined) select(id);
    });
    on("map-search", "keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var id = searchFirst(event.target.value);
      if (id !== undefined) select(id);
    });
    state.container.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && state.selected) clearSelection();
    });
  }

  function on(id, type, handler) {
    var node = document.getElementById(id);
    if (node) node.addEventListener(type, handler);
  }

  function setRelation(relation) {
    state.relation = relation;
    window.influenceMap.relation = relation;
    var cached = state.parts.get(relation);
    if (cached) {
      useRelationData(cached, true);
      return Promise.resolve();
    }
    state.container.setAttribute("aria-busy", "true");
    return fetchJson(dataUrl(relation, true))
      .then(function (part) {
        if (part.run !== state.base.run) {
          // The wave was analysed again meanwhile: its people may differ, so start afresh.
          window.location.reload();
          return;
        }
        state.parts.set(relation, part);
        if (state.relation === relation) useRelationData(part, true);
      })
      .catch(function (error) {
        showNotice(error.message);
      })
      .finally(function () {
        state.container.removeAttribute("aria-busy");
      });
  }

  function showNotice(text) {
    var notice = document.getElementById("map-notice");
    if (!notice) return;
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  function fillSearch(data) {
    var list = document.getElementById("map-search-list");
    var people = data.people;
    var options = document.createDocumentFragment();
    for (var i = 0; i < people.id.length; i++) {
      var teamName = data.teams.name[state.teamIndex.get(people.team[i])];
      var value = people.name[i] + " — " + teamName;
      if (state.searchIndex.has(value)) value += " (" + people.id[i] + ")";
      state.searchIndex.set(value, people.id[i]);
      var option = document.createElement("option");
      option.value = value;
      options.appendChild(option);
    }
    if (list) list.replaceChildren(options);
  }

  // Enter without an exact match: the map's own people before other teams', names that
  // start with the text before names that contain it.
  function searchFirst(text) {
    var needle = text.trim().toLowerCase();
    if (!needle) return undefined;
    if (state.searchIndex.has(text)) return state.searchIndex.get(text);
    var best;
    var bestRank = 4;
    state.searchIndex.forEach(function (id, value) {
      var at = value.toLowerCase().indexOf(needle);
      if (at === -1) return;
      var outside = state.graph.getNodeAttribute("p" + id, "outside");
      var rank = (outside ? 2 : 0) + (at === 0 ? 0 : 1);
      if (rank < bestRank) {
        best = id;
        bestRank = rank;
      }
    });
    return best;
  }

  // --- side panel ---------------------------------------------------------------------------

  function openPanel(key, attrs) {
    var panel = state.panel;
    var heading = element("h3", attrs.name);
    var team = element("p", attrs.teamName);
    team.className = "muted";
    if (attrs.outside) {
      var note = element(
        "p",
        "From another team, tied to this one. Metrics and flags are shown only for the team's own people."
      );
      panel.replaceChildren(heading, team, note, closeButton());
      return;
    }
    var loading = element("p", "Loading details…");
    loading.setAttribute("aria-busy", "true");
    panel.replaceChildren(heading, team, loading);
    var cached = state.personCache.get(attrs.personId);
    var details = cached ? Promise.resolve(cached) : fetchJson(personUrl(attrs.personId));
    details
      .then(function (person) {
        state.personCache.set(attrs.personId, person);
        if (state.selected === key) renderPerson(person);
      })
      .catch(function (error) {
        if (state.selected === key) panel.replaceChildren(heading, team, element("p", error.message));
      });
  }

  function renderPerson(person) {
    var panel = state.panel;
    var parts = [element("h3", person.name)];
    var facts = [person.title, person.team, person.manager ? "Manager: " + person.manager : ""];
    var line = element("p", facts.filter(Boolean).join(" · "));
    line.className = "muted";
    parts.push(line);
    if (person.withheld) {
      parts.push(element("p", person.reason));
    } else {
      if (person.responded !== undefined) {
        parts.push(element("p", person.responded ? "Answered this wave." : "Did not answer this wave."));
      }
      parts.push(metricsTable(person));
      parts.push(flagList(person.flags || []));
    }
    parts.push(closeButton());
    panel.replaceChildren.apply(panel, parts);
  }

  // Measures down, relations across: the panel is narrow and a wave asks few relations.
  var MEASURES = [
    ["Named by", "in_degree", null],
    ["PageRank", "pagerank", "pagerank_pct"],
    ["Betweenness", "betweenness", "betweenness_pct"],
    ["Closeness", "harmonic", "harmonic_pct"],
  ];

  function metricsTable(person) {
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    var table = wrap.appendChild(document.createElement("table"));
    table.appendChild(element("caption", "Metrics, with the share of the organisation below"));
    var headRow = table.appendChild(document.createElement("thead")).appendChild(document.createElement("tr"));
    headRow.appendChild(element("td", ""));
    person.metrics.forEach(function (m) {
      var th = headRow.appendChild(element("th", m.label));
      th.scope = "col";
    });
    var body = table.appendChild(document.createElement("tbody"));
    MEASURES.forEach(function (measure) {
      var row = body.appendChild(document.createElement("tr"));
      var label = row.appendChild(element("th", measure[0]));
      label.scope = "row";
      person.metrics.forEach(function (m) {
        var below = measure[2]
          ? pct(m[measure[2]])
          : pct(m.in_degree_pct_org) + ", team " + pct(m.in_degree_pct_team);
        row.appendChild(valueCell(m[measure[1]], below));
      });
    });
    if (person.metrics.length && person.metrics[0].out_degree !== undefined) {
      var out = body.appendChild(document.createElement("tr"));
      var outLabel = out.appendChild(element("th", "Named others"));
      outLabel.scope = "row";
      person.metrics.forEach(function (m) {
        out.appendChild(element("td", m.out_degree === null ? "no answer" : String(m.out_degree)));
      });
    }
    return wrap;
  }

  function valueCell(value, below) {
    var cell = element("td", String(value));
    var small = element("small", below);
    small.className = "muted";
    cell.appendChild(document.createElement("br"));
    cell.appendChild(small);
    return cell;
  }

  function pct(share) {
    return Math.round((share || 0) * 100) + " %";
  }

  function flagList(flags) {
    var section = document.createElement("section");
    section.className = "map-flags";
    if (!flags.length) {
      section.appendChild(element("p", "No flags."));
      return section;
    }
    flags.forEach(function (flag) {
      var article = section.appendChild(document.createElement("article"));
      var title = article.appendChild(element("h4", ""));
      title.appendChild(swatch(flag.kind));
      title.appendChild(document.createTextNode(" " + flag.label));
      article.appendChild(reviewLine(flag.review));
      if (flag.warning) {
        var warning = article.appendChild(element("p", flag.warning));
        warning.className = "notice";
      }
      article.appendChild(element("h5", "Evidence"));
      article.appendChild(bulletList(flag.evidence));
      article.appendChild(element("h5", "Moves"));
      article.appendChild(bulletList(flag.moves));
    });
    return section;
  }

  function reviewLine(review) {
    if (!review) {
      var none = element("p", "Not reviewed yet.");
      none.className = "muted";
      return none;
    }
    var text = review.label + " (" + new Date(review.reviewed_at).toLocaleDateString() + ")";
    if (review.earlier_wave) text += ", in an earlier wave";
    var line = element("p", text + (review.note ? ": " + review.note : "."));
    line.className = "map-review";
    return line;
  }

  function bulletList(items) {
    var list = document.createElement("ul");
    (items || []).forEach(function (item) {
      list.appendChild(element("li", item));
    });
    return list;
  }

  function closeButton() {
    var button = element("button", "Clear selection");
    button.type = "button";
    button.className = "secondary outline small";
    button.addEventListener("click", clearSelection);
    return button;
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    return node;
  }

  // --- legend -------------------------------------------------------------------------------

  function swatch(kind) {
    var ratio = window.devicePixelRatio || 1;
    var canvas = document.createElement("canvas");
    canvas.className = "map-swatch";
    canvas.width = 22 * ratio;
    canvas.height = 22 * ratio;
    canvas.setAttribute("aria-hidden", "true");
    var context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    context.fillStyle = "#9e9e9e";
    context.beginPath();
    context.arc(11, 11, 4, 0, 2 * Math.PI);
    context.fill();
    var style = flagStyle(kind);
    strokeRing(context, 11, 11, style.double ? 5.5 : 7, style);
    return canvas;
  }

  function fillLegend(data) {
    var list = document.querySelector("#map-legend .map-legend-flags");
    if (list) {
      var known = new Set();
      list.querySelectorAll("li[data-flag-kind]").forEach(function (item) {
        known.add(item.dataset.flagKind);
        var old = item.querySelector(".map-swatch");
        var mark = swatch(item.dataset.flagKind);
        if (old) old.replaceWith(mark);
        else item.prepend(mark);
      });
      data.flag_kinds.forEach(function (pair) {
        if (known.has(pair[0])) return;
        var item = list.appendChild(document.createElement("li"));
        item.dataset.flagKind = pair[0];
        item.appendChild(swatch(pair[0]));
        item.appendChild(element("strong", " " + pair[1]));
      });
    }
    fillColourLegend();
  }

  function fillColourLegend() {
    var list = document.querySelector("#map-legend .map-legend-colours");
    if (!list || !state.base) return;
    var entries = new Map();
    state.graph.forEachNode(function (key, attrs) {
      if (attrs.nodeKind !== "person" || attrs.outside) return;
      var name = state.colour === "community" ? "Community " + (attrs.community + 1) : attrs.teamName;
      var entry = entries.get(name) || { colour: colourOf(attrs), count: 0 };
      entry.count += 1;
      entries.set(name, entry);
    });
    var sorted = Array.from(entries.entries()).sort(function (a, b) {
      return b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1);
    });
    var items = sorted.slice(0, LEGEND_COLOURS).map(function (pair) {
      var item = document.createElement("li");
      var dot = item.appendChild(document.createElement("span"));
      dot.className = "map-dot";
      dot.style.backgroundColor = pair[1].colour;
      dot.setAttribute("aria-hidden", "true");
      item.appendChild(document.createTextNode(" " + pair[0] + " (" + pair[1].count + ")"));
      return item;
    });
    if (sorted.length > LEGEND_COLOURS) {
      items.push(element("li", "… and " + (sorted.length - LEGEND_COLOURS) + " more; colours repeat."));
    }
    list.replaceChildren.apply(list, items);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
