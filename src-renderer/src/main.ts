import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { z } from 'zod';
import App from './App.vue';
import { router } from './router';
import { createApiClient } from './api';
import { browserEnvironment } from './api/browser';
import { setApiClient } from './stores/client';
import { connectEvents } from './stores/events';
import './charts/echarts';
import './styles.css';

// The contract's zod schemas come along with it; without this, zod probes the Function constructor once, which the
// CSP (no eval) blocks and reports as a violation.
z.config({ jitless: true });

const client = createApiClient(browserEnvironment(window));
setApiClient(client);

const app = createApp(App);
app.use(createPinia());
app.use(router);
connectEvents(client);
app.mount('#app');
