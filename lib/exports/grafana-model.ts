// The Grafana dashboard model (schemaVersion 39) shared by the Prometheus dashboards (grafana.ts)
// and the JSON API one (grafana-json-api.ts): grid layout and the dashboard around the panels.

export interface GrafanaDashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: { id: number; type: string; title: string; targets: { refId: string }[] }[];
  [key: string]: unknown;
}

/** Grid positions, left to right, a new row when the next panel does not fit (stats 6 wide, tables the full width). */
export function layout(types: string[]): { h: number; w: number; x: number; y: number }[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return types.map((type) => {
    const width = type === "stat" ? 6 : type === "table" ? 24 : 12;
    const height = type === "stat" ? 5 : 8;
    if (x + width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { h: height, w: width, x, y };
    x += width;
    rowHeight = Math.max(rowHeight, height);
    return gridPos;
  });
}

/** The dashboard model around panels, with a datasource variable of the given plugin type. */
export function dashboardModel(uid: string, title: string, description: string, datasource: { label: string; plugin: string }, panels: GrafanaDashboard["panels"]): GrafanaDashboard {
  return {
    uid,
    title,
    description,
    tags: ["opsdeck"],
    timezone: "browser",
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    annotations: { list: [] },
    templating: {
      list: [{ name: "datasource", label: datasource.label, type: "datasource", query: datasource.plugin, current: {}, hide: 0, refresh: 1 }],
    },
    panels,
  };
}
