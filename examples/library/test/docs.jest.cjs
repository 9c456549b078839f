// jest in its default CommonJS mode: every example of what package.json's
// "greenlet-ts" section includes becomes a test named FILE:LINE.
const { doctest } = require("greenlet-ts/jest");

doctest();
