// First: zod must be configured before the contract builds its schemas (see zod-config.ts).
import './zod-config';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { createApiClient } from './api/create-client';
import { browserEnvironment } from './api/browser';
import { setApiClient } from './stores/client';
import { connectEvents } from './stores/events';
import './charts/echarts';
import './styles.css';

const client = createApiClient(browserEnvironment(window));
setApiClient(client);

const app = createApp(App);
app.use(createPinia());
app.use(router);
connectEvents(client);
app.mount('#app');
