; corpus/equivalent/i386-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x53 (bvsub ESP (_ bv4 32))))
(let ((?x88 (bvadd ?x53 (_ bv4 32))))
(let (($x52 (and (distinct ?x88 ESP) true)))
(let (($x25 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x63 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x220 (= TF (_ bv0 1))))
(let (($x163 (= VM (_ bv0 1))))
(let (($x24 (= DF (_ bv0 1))))
(and $x24 $x163 $x220 $x63 (or $x25 $x52)))))))))))
(check-sat)
