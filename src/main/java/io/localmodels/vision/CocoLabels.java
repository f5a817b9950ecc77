package io.localmodels.vision;

import java.util.List;
import java.util.Map;

/** The 80 COCO classes in YOLOX's output order, with Spanish names (singular, plural, gender). */
final class CocoLabels {

    record Label(String en, String enPlural, String es, String esPlural, boolean feminine) {
    }

    private CocoLabels() {
    }

    // English plurals the suffix rules below get wrong
    private static final Map<String, String> IRREGULAR = Map.of("person", "people", "sheep", "sheep",
            "mouse", "mice", "broccoli", "broccoli", "skis", "skis", "scissors", "scissors", "knife", "knives");

    static String englishPlural(String en) {
        String irregular = IRREGULAR.get(en);
        if (irregular != null) {
            return irregular;
        }
        if (en.endsWith("s") || en.endsWith("sh") || en.endsWith("ch")) {
            return en + "es";
        }
        if (en.endsWith("y") && !en.endsWith("ey")) {
            return en.substring(0, en.length() - 1) + "ies";
        }
        return en + "s";
    }

    private static Label l(String en, String es, String esPlural, char gender) {
        return new Label(en, englishPlural(en), es, esPlural, gender == 'f');
    }

    static final List<Label> ALL = List.of(
            l("person", "persona", "personas", 'f'), l("bicycle", "bicicleta", "bicicletas", 'f'),
            l("car", "coche", "coches", 'm'), l("motorcycle", "moto", "motos", 'f'),
            l("airplane", "avión", "aviones", 'm'), l("bus", "autobús", "autobuses", 'm'),
            l("train", "tren", "trenes", 'm'), l("truck", "camión", "camiones", 'm'),
            l("boat", "barco", "barcos", 'm'), l("traffic light", "semáforo", "semáforos", 'm'),
            l("fire hydrant", "boca de incendios", "bocas de incendios", 'f'), l("stop sign", "señal de stop", "señales de stop", 'f'),
            l("parking meter", "parquímetro", "parquímetros", 'm'), l("bench", "banco", "bancos", 'm'),
            l("bird", "pájaro", "pájaros", 'm'), l("cat", "gato", "gatos", 'm'),
            l("dog", "perro", "perros", 'm'), l("horse", "caballo", "caballos", 'm'),
            l("sheep", "oveja", "ovejas", 'f'), l("cow", "vaca", "vacas", 'f'),
            l("elephant", "elefante", "elefantes", 'm'), l("bear", "oso", "osos", 'm'),
            l("zebra", "cebra", "cebras", 'f'), l("giraffe", "jirafa", "jirafas", 'f'),
            l("backpack", "mochila", "mochilas", 'f'), l("umbrella", "paraguas", "paraguas", 'm'),
            l("handbag", "bolso", "bolsos", 'm'), l("tie", "corbata", "corbatas", 'f'),
            l("suitcase", "maleta", "maletas", 'f'), l("frisbee", "frisbi", "frisbis", 'm'),
            l("skis", "esquís", "esquís", 'm'), l("snowboard", "tabla de snowboard", "tablas de snowboard", 'f'),
            l("sports ball", "pelota", "pelotas", 'f'), l("kite", "cometa", "cometas", 'f'),
            l("baseball bat", "bate de béisbol", "bates de béisbol", 'm'), l("baseball glove", "guante de béisbol", "guantes de béisbol", 'm'),
            l("skateboard", "monopatín", "monopatines", 'm'), l("surfboard", "tabla de surf", "tablas de surf", 'f'),
            l("tennis racket", "raqueta de tenis", "raquetas de tenis", 'f'), l("bottle", "botella", "botellas", 'f'),
            l("wine glass", "copa de vino", "copas de vino", 'f'), l("cup", "taza", "tazas", 'f'),
            l("fork", "tenedor", "tenedores", 'm'), l("knife", "cuchillo", "cuchillos", 'm'),
            l("spoon", "cuchara", "cucharas", 'f'), l("bowl", "cuenco", "cuencos", 'm'),
            l("banana", "plátano", "plátanos", 'm'), l("apple", "manzana", "manzanas", 'f'),
            l("sandwich", "sándwich", "sándwiches", 'm'), l("orange", "naranja", "naranjas", 'f'),
            l("broccoli", "brócoli", "brócolis", 'm'), l("carrot", "zanahoria", "zanahorias", 'f'),
            l("hot dog", "perrito caliente", "perritos calientes", 'm'), l("pizza", "pizza", "pizzas", 'f'),
            l("donut", "dónut", "dónuts", 'm'), l("cake", "pastel", "pasteles", 'm'),
            l("chair", "silla", "sillas", 'f'), l("couch", "sofá", "sofás", 'm'),
            l("potted plant", "planta en maceta", "plantas en maceta", 'f'), l("bed", "cama", "camas", 'f'),
            l("dining table", "mesa", "mesas", 'f'), l("toilet", "inodoro", "inodoros", 'm'),
            l("tv", "televisor", "televisores", 'm'), l("laptop", "portátil", "portátiles", 'm'),
            l("mouse", "ratón", "ratones", 'm'), l("remote", "mando a distancia", "mandos a distancia", 'm'),
            l("keyboard", "teclado", "teclados", 'm'), l("cell phone", "móvil", "móviles", 'm'),
            l("microwave", "microondas", "microondas", 'm'), l("oven", "horno", "hornos", 'm'),
            l("toaster", "tostadora", "tostadoras", 'f'), l("sink", "fregadero", "fregaderos", 'm'),
            l("refrigerator", "nevera", "neveras", 'f'), l("book", "libro", "libros", 'm'),
            l("clock", "reloj", "relojes", 'm'), l("vase", "jarrón", "jarrones", 'm'),
            l("scissors", "tijeras", "tijeras", 'f'), l("teddy bear", "osito de peluche", "ositos de peluche", 'm'),
            l("hair drier", "secador de pelo", "secadores de pelo", 'm'), l("toothbrush", "cepillo de dientes", "cepillos de dientes", 'm'));

    static Label byEnglish(String en) {
        for (Label l : ALL) {
            if (l.en().equals(en)) {
                return l;
            }
        }
        throw new IllegalArgumentException("not a COCO label: " + en);
    }
}
