// Preloaded into an app under test (NODE_OPTIONS=--require …) to list the routes it really serves: every Fastify
// instance announces itself on the `fastify.initialization` diagnostics channel, where an onRoute hook is added
// before any route exists; once the instance is ready, its routes are written as JSON lines to
// FSD_ROUTE_LIST_FILE. Nothing in the app knows about it.
'use strict';
const { subscribe } = require('node:diagnostics_channel');
const { writeFileSync } = require('node:fs');

const file = process.env.FSD_ROUTE_LIST_FILE;
if (file) {
  subscribe('fastify.initialization', ({ fastify }) => {
    const routes = [];
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) routes.push({ method, url: route.url });
    });
    fastify.addHook('onReady', (done) => {
      writeFileSync(file, routes.map((r) => JSON.stringify(r)).join('\n') + '\n');
      done();
    });
  });
}
