// @refresh reload
import { mount, StartClient } from "@solidjs/start/client";

const root = document.getElementById("app");
if (!root) throw new Error("xR2 site: the server document has no #app element to hydrate");

mount(() => <StartClient />, root);
