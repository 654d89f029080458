export { handleCommand, modeList, type CommandContext } from "./handle-command.js";
