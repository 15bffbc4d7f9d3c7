; corpus/equivalent/i386-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x91 (bvsub ESP (_ bv4 32))))
(let ((?x74 (bvadd ?x91 (_ bv4 32))))
(let (($x148 (and (distinct ?x74 ESP) true)))
(let (($x41 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x162 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x46 (= TF (_ bv0 1))))
(let (($x176 (= VM (_ bv0 1))))
(let (($x163 (= DF (_ bv0 1))))
(and $x163 $x176 $x46 $x162 (or $x41 $x148)))))))))))
(check-sat)
