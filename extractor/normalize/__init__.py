"""Pure, doctested normalization functions: numbers & money, percents, periods, dates, assets."""
