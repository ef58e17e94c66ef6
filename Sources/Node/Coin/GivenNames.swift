/// Given names common in the Netherlands, compiled by hand (older and younger generations, and
/// the spellings of the larger migrant communities), for `PersonalDataDetector`: a holder
/// reference such as `jan.jansen` or `fatima_el-amrani` starts with one of these and is refused
/// as a person's name. Lowercase ASCII only, as holder references are; a name with diacritics
/// appears as people write it in user names, without them.
///
/// The list is a heuristic, not a register: it catches the references integrators most often
/// build from a resident's name, and errs on the side of refusing (`anna-bakkerij` is refused
/// too). A random reference never depends on it.
enum GivenNames {
    static let common: Set<String> = [
        // Men
        "aad", "adam", "adrianus", "ahmed", "alexander", "ali", "anton", "arjen", "arie", "arno", "bart", "bas", "ben",
        "bert", "bram", "cees", "chris", "christiaan", "cornelis", "daan", "daniel", "dave", "david", "dennis", "dick",
        "dirk", "edwin", "emre", "erik", "ferdi", "finn", "frank", "frans", "gerard", "gerrit", "gert", "hans", "harm",
        "hendrik", "henk", "herman", "hugo", "ibrahim", "jaap", "jacob", "jacobus", "jan", "jasper", "jeroen", "jesse",
        "johan", "johannes", "joost", "jos", "joris", "kees", "klaas", "koen", "lars", "lucas", "luuk", "marco", "mark",
        "martijn", "martin", "maarten", "mehmet", "michiel", "milan", "mohamed", "mohammed", "mustafa", "niels", "noah",
        "patrick", "paul", "peter", "piet", "pieter", "remco", "rik", "rob", "robert", "roel", "ruben", "rutger", "sander",
        "sem", "sjaak", "stefan", "sven", "teun", "thijs", "thomas", "tim", "tom", "ton", "wim", "willem", "wouter", "youssef",
        // Women
        "aaltje", "aisha", "amber", "anna", "anne", "annemarie", "anouk", "astrid", "ayse", "bianca", "bregje", "carla",
        "caroline", "daphne", "demi", "eline", "elif", "elisabeth", "ellen", "emma", "esther", "eva", "fatima", "fenna",
        "femke", "fleur", "hanna", "hannah", "ilse", "ineke", "ingrid", "iris", "jacoba", "janneke", "jantje", "johanna",
        "julia", "karin", "kim", "laura", "lieke", "linda", "lisa", "lotte", "maria", "marieke", "marijke", "marloes",
        "marleen", "mieke", "mila", "miriam", "monique", "nadia", "naomi", "nicole", "nora", "petra", "renate", "romy",
        "sanne", "sara", "sarah", "saskia", "sophie", "suzanne", "tessa", "truus", "wilma", "yasmin", "zeynep", "zoe",
    ]
}
