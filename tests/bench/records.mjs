// The bench's data on both sides: every record the Outpost server holds,
// read through its own sync API, and the same records as one PouchDB
// document each, loaded into pouchdb-server with _bulk_docs.

/** Signs in and pulls every change from an empty cursor; returns the records
 * as `{ collection, id, fields }` and how many changes came. */
export async function exportOutpost(base, { name, password }) {
  const login = await post(`${base}/api/v1/auth/login`, {
    username: name,
    password,
    device_id: 'bench-export',
  });
  const token = login.token;
  const records = new Map();
  let cursor = null;
  let changes = 0;
  for (;;) {
    const page = await post(
      `${base}/api/v1/sync`,
      { device_id: 'bench-export', cursor, changes: [], limit: 5000 },
      token,
    );
    for (const c of page.changes) {
      const key = `${c.collection}/${c.id}`;
      let r = records.get(key);
      if (!r) {
        r = { collection: c.collection, id: c.id, fields: {} };
        records.set(key, r);
      }
      r.fields[c.field] = c.value;
      changes += 1;
    }
    if (page.cursor) cursor = page.cursor;
    if (!page.more) break;
  }
  return { records: [...records.values()], changes };
}

/** Counts by collection, and the fields per incident. */
export function describe(records) {
  const byCollection = {};
  let incidentFields = 0;
  for (const r of records) {
    byCollection[r.collection] = (byCollection[r.collection] ?? 0) + 1;
    if (r.collection === 'incidents') incidentFields += Object.keys(r.fields).length;
  }
  const incidents = byCollection.incidents ?? 0;
  return {
    records: records.length,
    by_collection: byCollection,
    fields_per_incident: incidents ? incidentFields / incidents : 0,
  };
}

/** Puts every record into a new database at `dbUrl` as a document with the
 * record's fields, `_id` = `collection/id`. */
export async function loadPouch(dbUrl, records) {
  const created = await fetch(dbUrl, { method: 'PUT' });
  if (!created.ok && created.status !== 412) {
    throw new Error(`creating ${dbUrl}: ${created.status} ${await created.text()}`);
  }
  for (let i = 0; i < records.length; i += 2000) {
    const docs = records.slice(i, i + 2000).map((r) => ({
      _id: `${r.collection}/${r.id}`,
      collection: r.collection,
      ...r.fields,
    }));
    const res = await post(`${dbUrl}/_bulk_docs`, { docs });
    const failed = res.filter((d) => d.error);
    if (failed.length) throw new Error(`_bulk_docs refused ${failed.length}: ${JSON.stringify(failed[0])}`);
  }
  const info = await (await fetch(dbUrl)).json();
  return info.doc_count;
}

async function post(url, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
