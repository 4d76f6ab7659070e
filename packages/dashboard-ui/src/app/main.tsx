/** Entry of the bundle: the page's styles and the app mounted on `#app`. */
import './jitless';
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './ui/App';

render(<App />, document.getElementById('app')!);
