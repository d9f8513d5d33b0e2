// Builds the Supervisor view as a Module Federation remote that hawtio's console loads at start-up:
// hawtio reads the plugin list from /hawtio/plugin (our HawtioPlugin MBean), loads <url>/remoteEntry.js,
// joins its share scope and calls the exposed module's `plugin()` function.
const path = require('path')
const webpack = require('webpack')
const { ModuleFederationPlugin } = require('@module-federation/enhanced/webpack')

// The host (hawtio-war 4.2.0) provides these as singletons; `import: false` makes sure we never bundle
// a second copy: a second @hawtio/react would register our view in a registry the console never reads.
const fromHost = { singleton: true, import: false, requiredVersion: false }

module.exports = {
  entry: {},
  devtool: false,
  output: {
    path: path.resolve(__dirname, 'target/dist'),
    publicPath: 'auto',
    uniqueName: 'supervisorPlugin',
    clean: true,
  },
  resolve: { extensions: ['.tsx', '.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        loader: 'esbuild-loader',
        options: { target: 'es2020' },
      },
    ],
  },
  performance: { hints: false },
  stats: 'errors-warnings',
  plugins: [
    // PatternFly components import their CSS; the console already loads PatternFly 5's stylesheet (the same
    // pf-v5 classes), so a second copy would only restyle hawtio's own pages.
    new webpack.NormalModuleReplacementPlugin(/\.css$/, path.resolve(__dirname, 'src/empty.js')),
    new ModuleFederationPlugin({
      // 'name' is the scope and './plugin' the module given to hawtio (SupervisorPlugin.java).
      name: 'supervisorPlugin',
      filename: 'remoteEntry.js',
      exposes: { './plugin': './src/index.ts' },
      shared: {
        react: fromHost,
        'react-dom': fromHost,
        '@hawtio/react': fromHost,
      },
      dts: false,
      manifest: false,
    }),
  ],
}
