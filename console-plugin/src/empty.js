// Stands in for the PatternFly stylesheets the console already has (webpack.config.js).
