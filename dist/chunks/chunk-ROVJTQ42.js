import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
var e=/^(AWS_\w+|AZURE_\w+|GOOGLE_\w+|CLOUDSDK_\w+)$/;export{e as a};
